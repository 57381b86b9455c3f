/**
 * RMSprop as PyTorch computes it (eps is added after the square root, unlike Keras):
 *   g += weightDecay * p
 *   v = alpha * v + (1 - alpha) * g^2
 *   centered: a = alpha * a + (1 - alpha) * g;  denom = sqrt(v - a^2) + eps,  else sqrt(v) + eps
 *   momentum > 0: buf = momentum * buf + g / denom;  p -= lr * buf,  else p -= lr * g / denom
 * Defaults: lr 0.01, alpha 0.99, eps 1e-8, weightDecay 0, momentum 0, centered false.
 */
import { add, div, mul, sub } from '../../ops/binary.js';
import { zerosLike } from '../../ops/create.js';
import { sqrt, square } from '../../ops/unary.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Variable } from '../../tensor/variable.js';
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

  protected update(p: Variable, grad: Tensor, o: RMSpropOptions, state: Record<string, Tensor | number>): void {
    const g = o.weightDecay !== 0 ? add(grad, mul(p, o.weightDecay)) : grad;
    const blend = (prev: Tensor | undefined, x: Tensor) => add(mul(prev ?? zerosLike(p), o.alpha), mul(x, 1 - o.alpha));
    const v = blend(state.squareAvg as Tensor | undefined, square(g));
    state.squareAvg = v;
    let spread = v;
    if (o.centered) {
      const a = blend(state.gradAvg as Tensor | undefined, g);
      state.gradAvg = a;
      spread = sub(v, square(a));
    }
    const scaled = div(g, add(sqrt(spread), o.eps));
    if (o.momentum > 0) {
      const buf = add(mul((state.momentumBuffer as Tensor | undefined) ?? zerosLike(p), o.momentum), scaled);
      state.momentumBuffer = buf;
      p.assign(sub(p, mul(buf, o.lr)));
    } else {
      p.assign(sub(p, mul(scaled, o.lr)));
    }
  }
}
