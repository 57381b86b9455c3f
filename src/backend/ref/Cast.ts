/**
 * float32 <-> int32. float -> int truncates toward zero like tf.cast; NaN becomes 0 and values
 * beyond the int32 range saturate (rather than wrap modulo 2^32, which would flip signs).
 * Casting to the same dtype still copies: kernels always return new storage.
 */
import type { KernelFn } from '../kernels.js';
import { dataOf, output } from './storage.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function toInt32(v: number): number {
  if (v !== v) return 0;
  return Math.min(Math.max(Math.trunc(v), INT32_MIN), INT32_MAX);
}

export const cast: KernelFn<'Cast'> = ({ x }, { dtype }) => {
  const xs = dataOf(x);
  if (dtype === 'float32') return output(x.shape, dtype, Float32Array.from(xs));
  if (dtype === 'int32') {
    return output(x.shape, dtype, x.dtype === 'int32' ? Int32Array.from(xs) : Int32Array.from(xs, toInt32));
  }
  throw new Error(`Cast: dtype must be 'float32' or 'int32', got '${String(dtype)}'`);
};
