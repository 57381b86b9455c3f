/** Activation modules: each wraps the F function of the same name (PyTorch's defaults). */
import { RELU, RELU6, type Stage } from '../plan/stage.js';
import type { Tensor } from '../tensor/tensor.js';
import * as F from './functional.js';
import { Module } from './module.js';

/** A parameter-free module applying one elementwise function. */
abstract class Elementwise extends Module {
  protected abstract apply(x: Tensor): Tensor;
  forward(x: Tensor): Tensor {
    return this.apply(x);
  }
}

export class ReLU extends Elementwise {
  protected apply = F.relu;

  override planStage(): Stage {
    return RELU;
  }
}
export class ReLU6 extends Elementwise {
  protected apply = F.relu6;

  override planStage(): Stage {
    return RELU6;
  }
}
export class Sigmoid extends Elementwise {
  protected apply = F.sigmoid;
}
export class Tanh extends Elementwise {
  protected apply = F.tanh;
}
export class GELU extends Elementwise {
  protected apply = F.gelu;
}
export class SELU extends Elementwise {
  protected apply = F.selu;
}
export class SiLU extends Elementwise {
  protected apply = F.silu;
}
export class Mish extends Elementwise {
  protected apply = F.mish;
}
export class Softsign extends Elementwise {
  protected apply = F.softsign;
}
export class Softplus extends Elementwise {
  protected apply = F.softplus;
}
export class Hardsigmoid extends Elementwise {
  protected apply = F.hardsigmoid;
}
export class LogSigmoid extends Elementwise {
  protected apply = F.logsigmoid;
}
export class Identity extends Elementwise {
  protected apply = (x: Tensor) => x;
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.leakyRelu(x, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negative_slope=${this.negativeSlope}`;
  }
}

export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.elu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

export class Softmax extends Module {
  constructor(readonly dim?: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.softmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}

export class LogSoftmax extends Module {
  constructor(readonly dim?: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.logSoftmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}
