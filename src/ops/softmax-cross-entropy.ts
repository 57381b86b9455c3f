/**
 * softmaxCrossEntropy(labels, logits, axis): the per-sample cross-entropy of soft or one-hot
 * `labels` against softmax(`logits`) along `axis`, computed from the logits in one kernel:
 *   loss = -sum_axis(labels * logSoftmax(logits))          shape: logits' shape without `axis`
 *   d/dlogits = dy * (softmax(logits) * sum_axis(labels) - labels)
 *   d/dlabels = -dy * logSoftmax(logits)                   (composed, only when labels need it)
 * TensorFlow's `tf.nn.softmax_cross_entropy_with_logits`; the categorical losses use it for
 * logits and for softmax outputs (Keras 3's TensorFlow backend does the same).
 * Example: `softmaxCrossEntropy(tensor([[0, 1]]), tensor([[2, 0.5]]))` = [1.7014].
 */
import { record } from '../autograd/record.js';
import { engine } from '../backend/engine.js';
import { normalizeAxis, shapesEqual, shapeToString, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { mul } from './binary.js';
import { reshape, transpose } from './shape-ops.js';
import { logSoftmax } from './softmax.js';
import { neg } from './unary.js';

const NAME = 'softmaxCrossEntropy';

/** The loss of each row of 2-D logits and labels, with its gradient rule. */
function rowLosses(labels: Tensor, logits: Tensor): Tensor {
  const y = engine.runKernel('SoftmaxCrossEntropy', { logits, labels }, {});
  return record(NAME, y, [logits, labels], (dy) => [
    logits.needsGrad ? engine.runKernel('SoftmaxCrossEntropyGrad', { logits, labels, dy }, {}) : null,
    // Only a model that learns its targets needs this; composed, since it is rarely run.
    labels.needsGrad ? mul(neg(logSoftmax(logits, 1)), reshape(dy, [dy.size, 1])) : null,
  ]);
}

/** `x` as [rows, classes] with `axis` moved last (a view when it already is last). */
function asRows(x: Tensor, axis: number): Tensor {
  const last = x.rank - 1;
  const moved = axis === last ? x : transpose(x, [...x.shape.keys()].filter((i) => i !== axis).concat(axis));
  return moved.rank === 2 ? moved : reshape(moved, [sizeOf(moved.shape.slice(0, -1)), x.shape[axis]]);
}

export function softmaxCrossEntropy(labels: Tensor, logits: Tensor, axis = -1): Tensor {
  for (const [what, t] of [['labels', labels], ['logits', logits]] as const) {
    if (t.dtype !== 'float32') throw new Error(`${NAME}: ${what} must be float32, got ${t.dtype} of shape ${shapeToString(t.shape)}`);
  }
  if (!shapesEqual(labels.shape, logits.shape)) {
    throw new Error(`${NAME}: labels shape ${shapeToString(labels.shape)} does not match logits shape ${shapeToString(logits.shape)}`);
  }
  const ax = normalizeAxis(axis, logits.rank, NAME);
  const losses = rowLosses(asRows(labels, ax), asRows(logits, ax));
  const batchShape = logits.shape.filter((_, i) => i !== ax);
  return shapesEqual(losses.shape, batchShape) ? losses : reshape(losses, batchShape);
}
