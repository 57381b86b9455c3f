/**
 * Adam as PyTorch computes it (t counts this parameter's steps from 1):
 *   g += weightDecay * p                       (L2, not AdamW's decoupled decay)
 *   m = b1 * m + (1 - b1) * g;   v = b2 * v + (1 - b2) * g^2
 *   amsgrad: vMax = max(vMax, v) replaces v below
 *   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0.
 */
import { add, div, maximum, mul, sub } from '../../ops/binary.js';
import { sqrt, square } from '../../ops/unary.js';
import { zerosLike } from '../../ops/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Variable } from '../../tensor/variable.js';
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

  protected update(p: Variable, grad: Tensor, o: AdamOptions, state: Record<string, Tensor | number>): void {
    const [b1, b2] = o.betas;
    const g = o.weightDecay !== 0 ? add(grad, mul(p, o.weightDecay)) : grad;
    const t = ((state.step as number | undefined) ?? 0) + 1;
    const m = add(mul((state.expAvg as Tensor | undefined) ?? zerosLike(p), b1), mul(g, 1 - b1));
    const v = add(mul((state.expAvgSq as Tensor | undefined) ?? zerosLike(p), b2), mul(square(g), 1 - b2));
    Object.assign(state, { step: t, expAvg: m, expAvgSq: v });
    let second = v;
    if (o.amsgrad) {
      second = state.maxExpAvgSq === undefined ? v : maximum(state.maxExpAvgSq as Tensor, v);
      state.maxExpAvgSq = second;
    }
    const denom = add(div(sqrt(second), Math.sqrt(1 - b2 ** t)), o.eps);
    p.assign(sub(p, mul(div(m, denom), o.lr / (1 - b1 ** t))));
  }
}
