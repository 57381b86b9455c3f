/**
 * softmax, logSoftmax and logSumExp along an axis. Softmax and logSoftmax along the last axis are
 * one kernel each; the rest are composed from ops so their gradients come from the ops' rules. The max is subtracted
 * first (and held constant) so exp never overflows.
 * A softmax output remembers its logits (logits-origin.ts) so cross-entropy can start from them.
 */
import { noGrad } from '../autograd/grad-mode.js';
import { record } from '../autograd/record.js';
import { engine } from '../backend/engine.js';
import { normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, div, mul, sub } from './binary.js';
import { max, sum } from './reduce.js';
import { lazily } from './lazy.js';
import { rememberLogSoftmax, rememberSoftmax } from './logits-origin.js';
import { exp, log } from './unary.js';

function stableShift(x: Tensor, axis: number): Tensor {
  // The shift cancels out mathematically, so it needs no gradient.
  const m = noGrad(() => max(x, axis, true));
  return sub(x, m);
}

/**
 * exp(x) / sum(exp(x)) along `axis` (default last). Along the last axis (a classifier's output)
 * it is one Softmax kernel, with the rule dx = y * (dy - sum(dy * y)); along others it is composed.
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  const ax = normalizeAxis(axis, x.rank, 'softmax');
  const y = ax === x.rank - 1 ? softmaxLastAxis(x) : composedSoftmax(x, ax);
  rememberSoftmax(y, x, ax);
  return y;
}

function softmaxLastAxis(x: Tensor): Tensor {
  const y = engine.runKernel('Softmax', { x }, {});
  return record('softmax', y, [x], (dy) => [mul(y, sub(dy, sum(mul(dy, y), -1, true)))]);
}

/** One LogSoftmax kernel, with the rule dx = dy - softmax(x) * sum(dy) (softmax(x) = exp(y)). */
function logSoftmaxLastAxis(x: Tensor): Tensor {
  const y = engine.runKernel('LogSoftmax', { x }, {});
  return record('logSoftmax', y, [x], (dy) => [sub(dy, mul(exp(y), sum(dy, -1, true)))]);
}

function composedLogSoftmax(x: Tensor, ax: number): Tensor {
  const shifted = stableShift(x, ax);
  return sub(shifted, log(sum(exp(shifted), ax, true)));
}

function composedSoftmax(x: Tensor, ax: number): Tensor {
  const e = exp(stableShift(x, ax));
  return div(e, sum(e, ax, true));
}

/**
 * x - logSumExp(x) along `axis`: log-probabilities without underflow. Computed when first read
 * (lazy.ts): a loss given it starts from its logits, so a training step never computes it.
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const ax = normalizeAxis(axis, x.rank, 'logSoftmax');
  const y = lazily(x.shape, x.dtype, () => {
    const value = ax === x.rank - 1 ? logSoftmaxLastAxis(x) : composedLogSoftmax(x, ax);
    rememberLogSoftmax(value, x, ax);
    return value;
  });
  rememberLogSoftmax(y, x, ax);
  return y;
}

/** log(sum(exp(x))) along `axis`, stable for large x. */
export function logSumExp(x: Tensor, axis = -1, keepDims = false): Tensor {
  const m = noGrad(() => max(x, axis, true));
  const lse = add(log(sum(exp(sub(x, m)), axis, true)), m);
  return keepDims ? lse : sum(lse, axis, false);
}
