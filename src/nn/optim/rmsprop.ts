/**
 * RMSprop as PyTorch computes it (eps is added after the square root, unlike Keras):
 *   g += weightDecay * p
 *   v = alpha * v + (1 - alpha) * g^2
 *   centered: a = alpha * a + (1 - alpha) * g;  denom = sqrt(v - a^2) + eps,  else sqrt(v) + eps
 *   momentum > 0: buf = momentum * buf + g / denom;  p -= lr * buf,  else p -= lr * g / denom
 * This is rule 'torchRmsprop' of backend/ref/optimizer-rules.ts (the float32 rounding order is
 * there), run by one ApplyOptimizer kernel call per step over the parameters that share the update.
 * Defaults: lr 0.01, alpha 0.99, eps 1e-8, weightDecay 0, momentum 0, centered false.
 */
import type { OptimizerUpdate } from '../../backend/kernels.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkOption, Optimizer, type ParamsArg } from './optimizer.js';

export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
}

export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsArg<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super(params, { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, ...options }, 'RMSprop');
  }

  protected validate(o: RMSpropOptions): void {
    checkOption('RMSprop', 'lr', o.lr);
    checkOption('RMSprop', 'alpha', o.alpha, 0, 1);
    checkOption('RMSprop', 'eps', o.eps);
    checkOption('RMSprop', 'weightDecay', o.weightDecay);
    checkOption('RMSprop', 'momentum', o.momentum);
  }

  protected updateFor(o: RMSpropOptions, state: Record<string, Tensor | number>): OptimizerUpdate {
    const { momentum, centered, weightDecay } = o;
    return { rule: 'torchRmsprop', learningRate: o.lr, rho: o.alpha, momentum, epsilon: o.eps, centered, weightDecay };
  }
}
