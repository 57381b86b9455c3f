/** Loss modules: `new CrossEntropyLoss().forward(logits, target)` equals `F.crossEntropy(logits, target)`. */
import type { Tensor } from '../tensor/tensor.js';
import { crossEntropy, l1Loss, type LossOptions, mseLoss, nllLoss, type Reduction } from './functional-loss.js';
import { Module } from './module.js';

abstract class Loss extends Module {
  readonly reduction: Reduction;
  constructor(options: LossOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
  }
  protected abstract fn(input: Tensor, target: Tensor, options: LossOptions): Tensor;
  forward(input: Tensor, target: Tensor): Tensor {
    return this.fn(input, target, { reduction: this.reduction });
  }
}

export class CrossEntropyLoss extends Loss {
  protected fn = crossEntropy;
}
export class NLLLoss extends Loss {
  protected fn = nllLoss;
}
export class MSELoss extends Loss {
  protected fn = mseLoss;
}
export class L1Loss extends Loss {
  protected fn = l1Loss;
}
