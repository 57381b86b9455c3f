/**
 * Class-index labels for the sparse losses and metrics: int32 or integer-valued float32, shaped
 * like yPred without its class axis (optionally with a trailing 1, as Keras allows).
 */
import { tensor } from '../ops/create.js';
import { reshape } from '../ops/shape-ops.js';
import { shapesEqual, shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/** The labels as int32 of shape yPred.shape[:-1]; checks every value is a class index. */
export function sparseLabels(name: string, yTrue: Tensor, yPred: Tensor): Tensor {
  const outer = yPred.shape.slice(0, -1);
  const numClasses = yPred.shape[yPred.rank - 1];
  const fits = shapesEqual(yTrue.shape, outer) || (shapesEqual(yTrue.shape.slice(0, -1), outer) && yTrue.shape[yTrue.rank - 1] === 1);
  if (yPred.rank < 1 || !fits) {
    throw new Error(`${name}: yTrue shape ${shapeToString(yTrue.shape)} should be yPred shape ${shapeToString(yPred.shape)} without its last (class) axis, e.g. ${shapeToString(outer)}`);
  }
  const values = yTrue.dataSync();
  checkClassIndices(name, values, numClasses);
  // Float labels become int32 from the values just read: an upload, not a Cast kernel per step.
  if (yTrue.dtype !== 'int32') return tensor(Int32Array.from(values), outer, 'int32');
  return shapesEqual(yTrue.shape, outer) ? yTrue : reshape(yTrue, outer);
}

// Labels are host data the user supplied, so reading them here costs no device round trip that
// matters; an out-of-range index would otherwise silently become an all-zero one-hot row.
function checkClassIndices(name: string, values: ArrayLike<number>, numClasses: number): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
      throw new Error(`${name}: label ${v} at index ${i} is not a class index in [0, ${numClasses - 1}] (yPred has ${numClasses} classes)`);
    }
  }
}
