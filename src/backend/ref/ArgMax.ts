/**
 * int32 index of the largest value along `axis` (first one on ties); the axis is removed.
 * NaN counts as the largest value (first NaN wins), as in NumPy and PyTorch.
 */
import type { KernelFn } from '../kernels.js';
import type { DataArray } from '../../tensor/dtype.js';
import { normalizeAxis, shapeToString, sizeOf } from '../../tensor/shape.js';
import { dataOf, output } from './storage.js';

/** Index k in [0, n) of the max of xs[base + k * stride]. */
function argMaxLine(xs: DataArray, base: number, n: number, stride: number): number {
  let best = 0;
  let bestValue = xs[base];
  for (let k = 0; k < n; k++) {
    const v = xs[base + k * stride];
    if (v !== v) return k;
    if (v > bestValue) {
      best = k;
      bestValue = v;
    }
  }
  return best;
}

export const argMax: KernelFn<'ArgMax'> = ({ x }, { axis }) => {
  const ax = normalizeAxis(axis, x.shape.length, 'ArgMax');
  const n = x.shape[ax];
  if (n === 0) throw new Error(`ArgMax: axis ${axis} must have length > 0, got shape ${shapeToString(x.shape)}`);
  const outer = sizeOf(x.shape.slice(0, ax));
  const inner = sizeOf(x.shape.slice(ax + 1));
  const xs = dataOf(x);
  const out = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) out[o * inner + j] = argMaxLine(xs, o * n * inner + j, n, inner);
  }
  return output(x.shape.filter((_, i) => i !== ax), 'int32', out);
};
