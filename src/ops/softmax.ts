/**
 * softmax, logSoftmax and logSumExp along an axis, composed from ops so their gradients come from
 * the ops' rules. The max is subtracted first (and held constant) so exp never overflows.
 * A softmax output remembers its logits (softmax-logits.ts) so cross-entropy can start from them.
 */
import { noGrad } from '../autograd/grad-mode.js';
import { normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, div, sub } from './binary.js';
import { max, sum } from './reduce.js';
import { rememberSoftmax } from './softmax-logits.js';
import { exp, log } from './unary.js';

function stableShift(x: Tensor, axis: number): Tensor {
  // The shift cancels out mathematically, so it needs no gradient.
  const m = noGrad(() => max(x, axis, true));
  return sub(x, m);
}

/** exp(x) / sum(exp(x)) along `axis` (default last). */
export function softmax(x: Tensor, axis = -1): Tensor {
  const ax = normalizeAxis(axis, x.rank, 'softmax');
  const e = exp(stableShift(x, ax));
  const y = div(e, sum(e, ax, true));
  rememberSoftmax(y, x, ax);
  return y;
}

/** x - logSumExp(x) along `axis`: log-probabilities without underflow. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const shifted = stableShift(x, axis);
  return sub(shifted, log(sum(exp(shifted), axis, true)));
}

/** log(sum(exp(x))) along `axis`, stable for large x. */
export function logSumExp(x: Tensor, axis = -1, keepDims = false): Tensor {
  const m = noGrad(() => max(x, axis, true));
  const lse = add(log(sum(exp(sub(x, m)), axis, true)), m);
  return keepDims ? lse : sum(lse, axis, false);
}
