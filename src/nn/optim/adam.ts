/**
 * Adam as PyTorch computes it (t counts this parameter's steps from 1):
 *   g += weightDecay * p                       (L2, not AdamW's decoupled decay)
 *   m = b1 * m + (1 - b1) * g;   v = b2 * v + (1 - b2) * g^2
 *   amsgrad: vMax = max(vMax, v) replaces v below
 *   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * This is rule 'torchAdam' of backend/ref/optimizer-rules.ts (the float32 rounding order is there),
 * run by one ApplyOptimizer kernel call per step over the parameters that share the update.
 * Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0.
 */
import type { OptimizerUpdate } from '../../backend/kernels.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkOption, Optimizer, type ParamsArg } from './optimizer.js';

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
}

export class Adam extends Optimizer<AdamOptions> {
  constructor(params: ParamsArg<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, ...options }, 'Adam');
  }

  protected validate(o: AdamOptions): void {
    checkOption('Adam', 'lr', o.lr);
    checkOption('Adam', 'eps', o.eps);
    checkOption('Adam', 'weightDecay', o.weightDecay);
    if (!Array.isArray(o.betas) || o.betas.length !== 2) throw new Error(`Adam: betas must be a pair, got ${JSON.stringify(o.betas)}`);
    o.betas.forEach((b, i) => checkOption('Adam', `betas[${i}]`, b, 0, 0.999999999));
  }

  protected updateFor(o: AdamOptions, state: Record<string, Tensor | number>): OptimizerUpdate {
    const [beta1, beta2] = o.betas;
    const step = ((state.step as number | undefined) ?? 0) + 1;
    state.step = step;
    // A missing maxExpAvgSq starts at zeros: max(0, v) = v, as v >= 0.
    const { amsgrad, weightDecay } = o;
    return { rule: 'torchAdam', learningRate: o.lr, beta1, beta2, epsilon: o.eps, amsgrad, weightDecay, step };
  }
}
