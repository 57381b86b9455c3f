/**
 * Adam as Keras 3 computes it, with the bias correction folded into the step size:
 *   lrT = lr * sqrt(1 - beta2^t) / (1 - beta1^t);  w -= lrT * m / (sqrt(v) + eps)
 * (t counts this step); the exact equations, amsgrad included, are rule 'adam' of
 * backend/ref/optimizer-rules.ts, run by one ApplyOptimizer kernel call per step over all the variables.
 * Slots: momentum, velocity, velocity_hat (amsgrad).
 * Example: `new Adam({ learningRate: 1e-3 })`.
 */
import type { OptimizerUpdate } from '../backend/kernels.js';
import { type BaseOptimizerOptions, Optimizer } from './optimizer.js';
import { checkLearningRate, checkNumber, checkWeightDecay } from './validate.js';

export interface AdamOptions extends BaseOptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  amsgrad?: boolean;
  weightDecay?: number | null;
}

export class Adam extends Optimizer {
  readonly className: string = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;

  constructor(options: AdamOptions = {}, owner = 'Adam') {
    super(checkLearningRate(owner, options.learningRate ?? 0.001), options);
    this.beta1 = checkNumber(owner, 'beta1', options.beta1 ?? 0.9, 0, 1, false);
    this.beta2 = checkNumber(owner, 'beta2', options.beta2 ?? 0.999, 0, 1, false);
    if (this.beta1 === 1 || this.beta2 === 1) throw new Error(`${owner}: beta1 and beta2 must be below 1, got ${this.beta1} and ${this.beta2}`);
    this.epsilon = checkNumber(owner, 'epsilon', options.epsilon ?? 1e-7, 0);
    this.amsgrad = options.amsgrad ?? false;
    this.weightDecay = checkWeightDecay(owner, options.weightDecay);
  }

  protected stepUpdate(): OptimizerUpdate {
    const { beta1, beta2, epsilon, amsgrad } = this;
    // `iterations` was already advanced for this step, so it is Keras' `iterations + 1`.
    return { rule: 'adam', learningRate: this.learningRate, beta1, beta2, epsilon, amsgrad, step: this.iterations };
  }

  getConfig(): Record<string, unknown> {
    return {
      name: this.className, learningRate: this.learningRateConfig(), weightDecay: this.weightDecay,
      beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad, ...this.emaConfig(),
    };
  }
}
