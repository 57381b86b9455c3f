/**
 * SGD as PyTorch computes it (g = grad, b = momentum buffer):
 *   g += weightDecay * p
 *   momentum > 0:  b = g on the first step, else b = momentum * b + (1 - dampening) * g
 *                  g = nesterov ? g + momentum * b : b
 *   p -= lr * g
 * This is rule 'torchSgd' of backend/ref/optimizer-rules.ts (the float32 rounding order is there),
 * run by one ApplyOptimizer kernel call per step over the parameters that share the update.
 * Example: `new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.5 })`.
 */
import type { OptimizerUpdate } from '../../backend/kernels.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkOption, Optimizer, type ParamsArg } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
}

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsArg<SGDOptions>, options: Partial<SGDOptions> & { lr: number }) {
    if (options?.lr === undefined) throw new Error('SGD: lr is required (PyTorch has no default for it here either)');
    super(params, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, ...options }, 'SGD');
  }

  protected validate(o: SGDOptions): void {
    checkOption('SGD', 'lr', o.lr);
    checkOption('SGD', 'momentum', o.momentum);
    checkOption('SGD', 'dampening', o.dampening);
    checkOption('SGD', 'weightDecay', o.weightDecay);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) throw new Error(`SGD: nesterov needs momentum > 0 and dampening 0, got momentum ${o.momentum}, dampening ${o.dampening}`);
  }

  protected updateFor(o: SGDOptions, state: Record<string, Tensor | number>): OptimizerUpdate {
    const { momentum, dampening, nesterov, weightDecay } = o;
    const firstStep = state.momentumBuffer === undefined;
    return { rule: 'torchSgd', learningRate: o.lr, momentum, dampening, nesterov, weightDecay, firstStep };
  }
}
