/**
 * Class indices to float32 one-hot rows, as Keras' `to_categorical`: labels of shape S give
 * [...S, numClasses], except that a trailing axis of size 1 is dropped first ([N, 1] -> [N, C]).
 * `numClasses` defaults to the largest label + 1.
 * Example: `toCategorical([2, 0, 1])` is [[0, 0, 1], [1, 0, 0], [0, 1, 0]].
 */
import { tensor } from '../ops/create.js';
import type { Tensor } from '../tensor/tensor.js';

export function toCategorical(labels: Tensor | ArrayLike<number>, numClasses?: number): Tensor {
  const isTensor = typeof (labels as Tensor).dataSync === 'function';
  const values: ArrayLike<number> = isTensor ? (labels as Tensor).dataSync() : (labels as ArrayLike<number>);
  const shape = isTensor ? [...(labels as Tensor).shape] : [values.length];
  if (shape.length > 1 && shape[shape.length - 1] === 1) shape.pop();
  const depth = numClasses ?? inferNumClasses(values);
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`toCategorical: numClasses must be a positive integer, got ${depth}`);
  const out = new Float32Array(values.length * depth);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v >= depth) {
      throw new Error(`toCategorical: label ${v} at index ${i} is not a class index in [0, ${depth - 1}]`);
    }
    out[i * depth + v] = 1;
  }
  return tensor(out, [...shape, depth]);
}

function inferNumClasses(values: ArrayLike<number>): number {
  let max = -1;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  // A non-integer maximum is reported by the per-label check with its index.
  return Number.isInteger(max) ? max + 1 : Math.ceil(max) + 1;
}
