/**
 * float32 one-hot rows: indices of shape S (int32) give shape [...S, depth]; an index outside
 * [0, depth) gives an all-zero row, as in tf.one_hot.
 */
import type { KernelFn } from '../kernels.js';
import { fail } from './strided.js';
import { dataOf, output } from './storage.js';

export const oneHot: KernelFn<'OneHot'> = ({ indices }, { depth }) => {
  if (indices.dtype !== 'int32') fail('OneHot', 'indices dtype', "'int32'", indices.dtype);
  if (!Number.isInteger(depth) || depth < 0) fail('OneHot', 'depth', 'a non-negative integer', depth);
  const idx = dataOf(indices);
  const out = new Float32Array(idx.length * depth);
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i];
    if (k >= 0 && k < depth) out[i * depth + k] = 1;
  }
  return output([...indices.shape, depth], 'float32', out);
};
