/**
 * Joins tensors along `axis` (negative counts from the end). Every input has the same dtype and
 * rank, and the same size on every other axis. Row-major layout makes each input a run of
 * contiguous chunks (one per index of the leading axes), so this is a chunk-by-chunk copy.
 */
import type { KernelFn, TensorInfo } from '../kernels.js';
import { arrayFor } from '../../tensor/dtype.js';
import { normalizeAxis, shapeToString, sizeOf } from '../../tensor/shape.js';
import { dataOf, output } from './storage.js';

function check(xs: readonly TensorInfo[], axis: number): void {
  const [first] = xs;
  xs.forEach((x, k) => {
    const same = x.shape.length === first.shape.length && x.shape.every((d, i) => i === axis || d === first.shape[i]);
    if (!same) {
      throw new Error(
        `Concat: input ${k} must match input 0 ${shapeToString(first.shape)} except on axis ${axis}, got ${shapeToString(x.shape)}`,
      );
    }
    if (x.dtype !== first.dtype) throw new Error(`Concat: input ${k} must have dtype ${first.dtype}, got ${x.dtype}`);
  });
}

export const concat: KernelFn<'Concat'> = ({ xs }, { axis }) => {
  if (xs.length === 0) throw new Error('Concat: expected at least 1 input, got 0');
  const ax = normalizeAxis(axis, xs[0].shape.length, 'Concat');
  check(xs, ax);
  const shape = [...xs[0].shape];
  shape[ax] = xs.reduce((sum, x) => sum + x.shape[ax], 0);
  const outer = sizeOf(shape.slice(0, ax));
  const rowOut = sizeOf(shape.slice(ax));
  const out = arrayFor(xs[0].dtype, sizeOf(shape));
  let start = 0;
  for (const x of xs) {
    const data = dataOf(x);
    const row = sizeOf(x.shape.slice(ax));
    for (let o = 0; o < outer; o++) out.set(data.subarray(o * row, (o + 1) * row), o * rowOut + start);
    start += row;
  }
  return output(shape, xs[0].dtype, out);
};
