/**
 * Constant padding: paddings[i] = [before, after] cells of `value` on axis i. The input lands in
 * the interior of the output, written through the output's strides.
 */
import type { KernelFn } from '../kernels.js';
import { arrayFor } from '../../tensor/dtype.js';
import { stridesOf } from '../../tensor/shape.js';
import { fail, stridedIndices } from './strided.js';
import { dataOf, output } from './storage.js';

function checkPaddings(paddings: readonly (readonly number[])[], rank: number): void {
  if (paddings.length !== rank) fail('Pad', 'paddings', `${rank} [before, after] pairs (the input rank)`, paddings.map((p) => `[${p}]`));
  paddings.forEach((p, i) => {
    if (p.length !== 2 || !p.every((v) => Number.isInteger(v) && v >= 0)) {
      fail('Pad', `paddings[${i}]`, 'a pair of non-negative integers', p);
    }
  });
}

export const pad: KernelFn<'Pad'> = ({ x }, { paddings, value }) => {
  checkPaddings(paddings, x.shape.length);
  const shape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
  const strides = stridesOf(shape);
  const offset = paddings.reduce((sum, [before], i) => sum + before * strides[i], 0);
  const target = stridedIndices(x.shape, strides, offset);
  const out = arrayFor(x.dtype, shape.reduce((p, d) => p * d, 1)).fill(value);
  const xs = dataOf(x);
  for (let i = 0; i < xs.length; i++) out[target[i]] = xs[i];
  return output(shape, x.dtype, out);
};
