/**
 * Stochastic gradient descent, with optional (Nesterov) momentum, as Keras 3 computes it:
 *   no momentum:  w -= lr * g
 *   momentum:     m = momentum * m - lr * g;  w += m
 *   nesterov:     m = momentum * m - lr * g;  w += momentum * m - lr * g
 * Example: `new SGD({ learningRate: 0.1, momentum: 0.9 })`.
 */
import { add, mul, sub } from '../ops/binary.js';
import { zerosLike } from '../ops/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import { type BaseOptimizerOptions, Optimizer } from './optimizer.js';
import { checkLearningRate, checkNumber, checkWeightDecay } from './validate.js';

export interface SGDOptions extends BaseOptimizerOptions {
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number | null;
}

export class SGD extends Optimizer {
  readonly className = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(options: SGDOptions = {}) {
    super(checkLearningRate('SGD', options.learningRate ?? 0.01), options);
    this.momentum = checkNumber('SGD', 'momentum', options.momentum ?? 0, 0, 1);
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = checkWeightDecay('SGD', options.weightDecay);
  }

  protected updateVariable(variable: Variable, grad: Tensor): void {
    const step = mul(grad, this.learningRate);
    if (this.momentum === 0) {
      variable.assign(sub(variable, step));
      return;
    }
    const m = this.slot(variable, 'momentum', () => zerosLike(variable));
    m.assign(sub(mul(m, this.momentum), step));
    variable.assign(add(variable, this.nesterov ? sub(mul(m, this.momentum), step) : m));
  }

  getConfig(): Record<string, unknown> {
    return { name: 'SGD', learningRate: this.learningRateConfig(), weightDecay: this.weightDecay, momentum: this.momentum, nesterov: this.nesterov, ...this.emaConfig() };
  }
}
