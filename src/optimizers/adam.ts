/**
 * Adam as Keras 3 computes it, with the bias correction folded into the step size:
 *   t = iterations (counting this step);  lrT = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
 *   m += (g - m) * (1 - beta1);  v += (g^2 - v) * (1 - beta2)
 *   amsgrad: vHat = max(vHat, v) replaces v below
 *   w -= lrT * m / (sqrt(v) + eps)
 * Example: `new Adam({ learningRate: 1e-3 })`.
 */
import { add, div, maximum, mul, sub } from '../ops/binary.js';
import { zerosLike } from '../ops/create.js';
import { sqrt, square } from '../ops/unary.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
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

  protected updateVariable(variable: Variable, grad: Tensor): void {
    // `iterations` was already advanced for this step, so it is Keras' `iterations + 1`.
    const t = this.iterations;
    const lrT = (this.learningRate * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    const m = this.slot(variable, 'momentum', () => zerosLike(variable));
    const v = this.slot(variable, 'velocity', () => zerosLike(variable));
    m.assign(add(m, mul(sub(grad, m), 1 - this.beta1)));
    v.assign(add(v, mul(sub(square(grad), v), 1 - this.beta2)));
    let second: Tensor = v;
    if (this.amsgrad) {
      const vHat = this.slot(variable, 'velocity_hat', () => zerosLike(variable));
      vHat.assign(maximum(vHat, v));
      second = vHat;
    }
    variable.assign(sub(variable, div(mul(m, lrT), add(sqrt(second), this.epsilon))));
  }

  getConfig(): Record<string, unknown> {
    return {
      name: this.className, learningRate: this.learningRateConfig(), weightDecay: this.weightDecay,
      beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad, ...this.emaConfig(),
    };
  }
}
