/**
 * sparseSoftmaxCrossEntropy(classes, logits): the per-sample cross-entropy of softmax(`logits`)
 * along the last axis against int32 class indices, in one kernel each way:
 *   loss = -logSoftmax(logits)[..., classes]                  shape: the classes' shape
 *   d/dlogits = dy * (softmax(logits) - oneHot(classes))
 * softmaxCrossEntropy(oneHot(classes), logits) with the same bits for finite logits, without the
 * one-hot tensor and its kernel (TensorFlow's `sparse_softmax_cross_entropy_with_logits`; PyTorch's
 * cross_entropy with class targets). A class outside 0..C-1 throws in the kernel.
 * Example: `sparseSoftmaxCrossEntropy(tensor([1], [1], 'int32'), tensor([[2, 0.5]]))` = [1.7014].
 */
import { record } from '../autograd/record.js';
import { engine } from '../backend/engine.js';
import { shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { reshape } from './shape-ops.js';

const NAME = 'sparseSoftmaxCrossEntropy';

/** The loss of each row of 2-D logits, with its gradient rule (the classes need none). */
function rowLosses(classes: Tensor, logits: Tensor): Tensor {
  const y = engine.runKernel('SparseSoftmaxCrossEntropy', { logits, classes }, {});
  return record(NAME, y, [logits], (dy) => [engine.runKernel('SparseSoftmaxCrossEntropyGrad', { logits, classes, dy }, {})]);
}

function check(classes: Tensor, logits: Tensor): void {
  if (logits.dtype !== 'float32') throw new Error(`${NAME}: logits must be float32, got ${logits.dtype} of shape ${shapeToString(logits.shape)}`);
  if (classes.dtype !== 'int32') throw new Error(`${NAME}: classes must be int32 indices, got ${classes.dtype} of shape ${shapeToString(classes.shape)}`);
  let fits = logits.rank >= 1 && classes.rank === logits.rank - 1;
  for (let i = 0; fits && i < classes.rank; i++) fits = classes.shape[i] === logits.shape[i];
  if (!fits) throw new Error(`${NAME}: classes shape ${shapeToString(classes.shape)} must be the logits shape ${shapeToString(logits.shape)} without its last (class) axis`);
}

export function sparseSoftmaxCrossEntropy(classes: Tensor, logits: Tensor): Tensor {
  check(classes, logits);
  if (logits.rank === 2) return rowLosses(classes, logits);
  const n = logits.shape[logits.rank - 1]!;
  const losses = rowLosses(reshape(classes, [classes.size]), reshape(logits, [logits.size / n, n]));
  return reshape(losses, classes.shape);
}
