/**
 * RMSprop as Keras 3 computes it (note epsilon sits inside the square root):
 *   v = rho * v + (1 - rho) * g^2
 *   centered: a = rho * a + (1 - rho) * g;  denom = v - a^2 + eps,  else denom = v + eps
 *   inc = lr * g / sqrt(denom)
 *   momentum > 0: mom = momentum * mom + inc;  w -= mom,  else w -= inc
 * Example: `new RMSprop({ learningRate: 0.001 })`.
 */
import { add, div, mul, sub } from '../ops/binary.js';
import { zerosLike } from '../ops/create.js';
import { sqrt, square } from '../ops/unary.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
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

  protected updateVariable(variable: Variable, grad: Tensor): void {
    const rho = this.rho;
    const v = this.slot(variable, 'velocity', () => zerosLike(variable));
    v.assign(add(mul(v, rho), mul(square(grad), 1 - rho)));
    let denom: Tensor;
    if (this.centered) {
      const a = this.slot(variable, 'average_gradient', () => zerosLike(variable));
      a.assign(add(mul(a, rho), mul(grad, 1 - rho)));
      denom = add(sub(v, square(a)), this.epsilon);
    } else {
      denom = add(v, this.epsilon);
    }
    const increment = div(mul(grad, this.learningRate), sqrt(denom));
    if (this.momentum > 0) {
      const mom = this.slot(variable, 'momentum', () => zerosLike(variable));
      mom.assign(add(mul(mom, this.momentum), increment));
      variable.assign(sub(variable, mom));
    } else {
      variable.assign(sub(variable, increment));
    }
  }

  getConfig(): Record<string, unknown> {
    return {
      name: 'RMSprop', learningRate: this.learningRateConfig(), weightDecay: this.weightDecay,
      rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered, ...this.emaConfig(),
    };
  }
}
