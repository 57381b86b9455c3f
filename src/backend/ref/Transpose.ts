/** y[i_0, ..., i_{r-1}] with y.shape[k] = x.shape[perm[k]]: reads x with permuted strides. */
import type { KernelFn } from '../kernels.js';
import { arrayFor } from '../../tensor/dtype.js';
import { stridesOf } from '../../tensor/shape.js';
import { fail, stridedIndices } from './strided.js';
import { dataOf, output } from './storage.js';

function checkPerm(perm: readonly number[], rank: number): void {
  const seen = new Set(perm);
  const valid = perm.length === rank && seen.size === rank && perm.every((p) => Number.isInteger(p) && p >= 0 && p < rank);
  if (!valid) fail('Transpose', 'perm', `a permutation of [0, ${rank}) for a rank-${rank} input`, perm);
}

export const transpose: KernelFn<'Transpose'> = ({ x }, { perm }) => {
  checkPerm(perm, x.shape.length);
  const strides = stridesOf(x.shape);
  const shape = perm.map((p) => x.shape[p]);
  const source = stridedIndices(shape, perm.map((p) => strides[p]));
  const xs = dataOf(x);
  const out = arrayFor(x.dtype, source.length);
  for (let i = 0; i < out.length; i++) out[i] = xs[source[i]];
  return output(shape, x.dtype, out);
};
