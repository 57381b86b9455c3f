/**
 * Stochastic gradient descent, with optional (Nesterov) momentum, as Keras 3 computes it:
 *   no momentum:  w -= lr * g
 *   momentum:     m = momentum * m - lr * g;  w += m
 *   nesterov:     m = momentum * m - lr * g;  w += momentum * m - lr * g
 * This is rule 'sgd' of backend/ref/optimizer-rules.ts (the float32 rounding order is there), run
 * by one ApplyOptimizer kernel call per step over all the variables. Slot: momentum (momentum > 0).
 * Example: `new SGD({ learningRate: 0.1, momentum: 0.9 })`.
 */
import type { OptimizerUpdate } from '../backend/kernels.js';
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

  protected stepUpdate(): OptimizerUpdate {
    const { momentum, nesterov } = this;
    return { rule: 'sgd', learningRate: this.learningRate, momentum, nesterov };
  }

  getConfig(): Record<string, unknown> {
    return { name: 'SGD', learningRate: this.learningRateConfig(), weightDecay: this.weightDecay, momentum: this.momentum, nesterov: this.nesterov, ...this.emaConfig() };
  }
}
