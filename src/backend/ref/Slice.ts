/**
 * y = x[begin[0] : begin[0] + size[0], ...]. A size of -1 means "to the end of the axis", as in
 * tf.slice.
 */
import type { KernelFn } from '../kernels.js';
import { arrayFor } from '../../tensor/dtype.js';
import { stridesOf } from '../../tensor/shape.js';
import { fail, stridedIndices } from './strided.js';
import { dataOf, output } from './storage.js';

/** The slice's shape, after checking begin/size against x's shape. */
function sliceShape(shape: readonly number[], begin: readonly number[], size: readonly number[]): number[] {
  const rank = shape.length;
  if (begin.length !== rank) fail('Slice', 'begin', `of length ${rank} (the input rank)`, begin);
  if (size.length !== rank) fail('Slice', 'size', `of length ${rank} (the input rank)`, size);
  return shape.map((d, i) => {
    const b = begin[i];
    const s = size[i] === -1 ? d - b : size[i];
    const ok = Number.isInteger(b) && Number.isInteger(s) && b >= 0 && s >= 0 && b + s <= d;
    if (!ok) fail('Slice', `begin/size on axis ${i}`, `within [0, ${d}] for input shape [${shape.join(', ')}]`, `begin ${b}, size ${size[i]}`);
    return s;
  });
}

export const slice: KernelFn<'Slice'> = ({ x }, { begin, size }) => {
  const shape = sliceShape(x.shape, begin, size);
  const strides = stridesOf(x.shape);
  const offset = begin.reduce((sum, b, i) => sum + b * strides[i], 0);
  const source = stridedIndices(shape, strides, offset);
  const xs = dataOf(x);
  const out = arrayFor(x.dtype, source.length);
  for (let i = 0; i < out.length; i++) out[i] = xs[source[i]];
  return output(shape, x.dtype, out);
};
