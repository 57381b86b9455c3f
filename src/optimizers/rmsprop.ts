/**
 * RMSprop as Keras 3 computes it (note epsilon sits inside the square root):
 *   v = rho * v + (1 - rho) * g^2;  w -= lr * g / sqrt(v + eps)
 * with optional centering and momentum; the exact equations are rule 'rmsprop' of
 * backend/ref/optimizer-rules.ts, run by one ApplyOptimizer kernel call per step over all the variables.
 * Slots: velocity, average_gradient (centered), momentum (momentum > 0).
 * Example: `new RMSprop({ learningRate: 0.001 })`.
 */
import type { OptimizerUpdate } from '../backend/kernels.js';
import { type BaseOptimizerOptions, Optimizer } from './optimizer.js';
import { checkLearningRate, checkNumber, checkWeightDecay } from './validate.js';

export interface RMSpropOptions extends BaseOptimizerOptions {
  rho?: number;
  momentum?: number;
  epsilon?: number;
  centered?: boolean;
  weightDecay?: number | null;
}

export class RMSprop extends Optimizer {
  readonly className = 'RMSprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(options: RMSpropOptions = {}) {
    super(checkLearningRate('RMSprop', options.learningRate ?? 0.001), options);
    this.rho = checkNumber('RMSprop', 'rho', options.rho ?? 0.9, 0, 1);
    this.momentum = checkNumber('RMSprop', 'momentum', options.momentum ?? 0, 0, 1);
    this.epsilon = checkNumber('RMSprop', 'epsilon', options.epsilon ?? 1e-7, 0);
    this.centered = options.centered ?? false;
    this.weightDecay = checkWeightDecay('RMSprop', options.weightDecay);
  }

  protected stepUpdate(): OptimizerUpdate {
    const { rho, momentum, epsilon, centered } = this;
    return { rule: 'rmsprop', learningRate: this.learningRate, rho, momentum, epsilon, centered };
  }

  getConfig(): Record<string, unknown> {
    return {
      name: 'RMSprop', learningRate: this.learningRateConfig(), weightDecay: this.weightDecay,
      rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered, ...this.emaConfig(),
    };
  }
}
