/**
 * Index maps for strided access. Transpose, Slice, Pad, Concat, Reduce and general broadcasting are
 * all "walk a shape, step through another array with given strides", so they share one odometer
 * that yields flat source (or destination) offsets. The inner axis is a tight loop; the carry only
 * runs once per row, so there is no per-element index decomposition.
 */
import type { Shape } from '../../tensor/shape.js';
import { sizeOf, stridesOf } from '../../tensor/shape.js';

/**
 * For each element of `shape` in row-major order, the offset `offset + sum(coord[i] * strides[i])`.
 * A zero stride repeats values (broadcasting); permuted strides transpose.
 */
export function stridedIndices(shape: Shape, strides: readonly number[], offset = 0): Int32Array {
  const n = sizeOf(shape);
  const out = new Int32Array(n);
  const rank = shape.length;
  if (n === 0) return out;
  if (rank === 0) {
    out[0] = offset;
    return out;
  }
  const inner = shape[rank - 1];
  const innerStride = strides[rank - 1];
  const counter = new Array<number>(rank).fill(0);
  let base = offset;
  for (let o = 0; o < n; o += inner) {
    for (let j = 0, s = base; j < inner; j++, s += innerStride) out[o + j] = s;
    for (let d = rank - 2; d >= 0; d--) {
      if (++counter[d] < shape[d]) {
        base += strides[d];
        break;
      }
      base -= strides[d] * (shape[d] - 1);
      counter[d] = 0;
    }
  }
  return out;
}

/**
 * Strides that read an array of shape `from` while walking the (broadcast) shape `to`: axes that
 * `from` lacks or holds at size 1 get stride 0. `from` must broadcast to `to`.
 */
export function broadcastStrides(from: Shape, to: Shape): number[] {
  const own = stridesOf(from);
  const lead = to.length - from.length;
  return to.map((_, i) => {
    const k = i - lead;
    return k < 0 || from[k] === 1 ? 0 : own[k];
  });
}

/** For each element of `to`, the flat index of the element of `from` it broadcasts from. */
export function broadcastIndices(from: Shape, to: Shape): Int32Array {
  return stridedIndices(to, broadcastStrides(from, to));
}

/** Throws `kernel: <what> must be <expected>, got <actual>` — the one error format kernels use. */
export function fail(kernel: string, what: string, expected: string, actual: unknown): never {
  const got = Array.isArray(actual) ? `[${actual.join(', ')}]` : String(actual);
  throw new Error(`${kernel}: ${what} must be ${expected}, got ${got}`);
}
