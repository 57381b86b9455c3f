/**
 * PyTorch's shape methods as functions (tensor-methods.ts puts them on Tensor): flatten with a
 * dimension range, permute, transpose of two dims, squeeze/unsqueeze, select and narrow. Each is
 * a reshape, transpose or slice, so gradients come from those ops' rules.
 *
 *   flatten([2, 3, 4, 5], 1, 2) -> [2, 12, 5]      select([2, 3, 4], 1, i) -> [2, 4]
 *   unsqueeze([2, 3], -1)       -> [2, 3, 1]       narrow([2, 3, 4], 2, 1, 2) -> [2, 3, 2]
 */
import { reshape, slice, transpose } from '../ops/shape-ops.js';
import { shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * `dim` as a non-negative axis of a tensor of `shape` (PyTorch counts negative dims from the end).
 * `extra` widens the range for methods that insert an axis (unsqueeze: rank + 1 positions).
 */
export function dimOf(method: string, dim: number, shape: readonly number[], extra = 0): number {
  const n = shape.length + extra;
  const d = dim < 0 ? dim + n : dim;
  if (!Number.isInteger(dim) || d < 0 || d >= n) {
    throw new Error(`${method}: dim ${dim} is out of range for a tensor of shape ${shapeToString(shape)} (expected an integer in [${-n}, ${n - 1}])`);
  }
  return d;
}

/** The dims of `view(2, 3)` and of `view([2, 3])` alike. */
export function dimsArg(dims: readonly (number | readonly number[])[]): number[] {
  return dims.length === 1 && Array.isArray(dims[0]) ? [...dims[0]] : (dims as number[]);
}

/** Merges dims startDim..endDim (inclusive) into one; a 0-d tensor becomes 1-d, as in PyTorch. */
export function flattenDims(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.rank === 0) return reshape(x, [1]);
  const start = dimOf('flatten', startDim, x.shape);
  const end = dimOf('flatten', endDim, x.shape);
  if (start > end) throw new Error(`flatten: startDim ${startDim} comes after endDim ${endDim} for a tensor of shape ${shapeToString(x.shape)}`);
  const merged = x.shape.slice(start, end + 1).reduce((a, b) => a * b, 1);
  return reshape(x, [...x.shape.slice(0, start), merged, ...x.shape.slice(end + 1)]);
}

/** Reorders the dims: output dim i is input dim `dims[i]`. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const perm = dims.map((d) => dimOf('permute', d, x.shape));
  if (perm.length !== x.rank || new Set(perm).size !== x.rank) {
    throw new Error(`permute: expected a permutation of the ${x.rank} dims of a tensor of shape ${shapeToString(x.shape)}, got [${dims.join(', ')}]`);
  }
  return transpose(x, perm);
}

/** Swaps two dims (PyTorch's `transpose(dim0, dim1)`, not the Keras-style reversal of ops.transpose). */
export function swapDims(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = dimOf('transpose', dim0, x.shape);
  const b = dimOf('transpose', dim1, x.shape);
  const perm = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return a === b ? x : transpose(x, perm);
}

/**
 * Removes dims of size 1: all of them, or only those among `dim` (a dim of another size is left
 * alone, as PyTorch does, rather than an error).
 */
export function squeezeDims(x: Tensor, dim?: number | readonly number[]): Tensor {
  const asked = dim === undefined ? null : (typeof dim === 'number' ? [dim] : dim).map((d) => dimOf('squeeze', d, x.shape));
  const keep = x.shape.filter((n, i) => n !== 1 || (asked !== null && !asked.includes(i)));
  return keep.length === x.rank ? x : reshape(x, keep);
}

/** Inserts a dim of size 1 at `dim` (in [-rank - 1, rank]). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = dimOf('unsqueeze', dim, x.shape, 1);
  return reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}

/** The slice at `index` along `dim`, with that dim removed (PyTorch's `x.select(dim, i)`, `x[i]` for dim 0). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = dimOf('select', dim, x.shape);
  const n = x.shape[d];
  const i = index < 0 ? index + n : index;
  if (!Number.isInteger(index) || i < 0 || i >= n) {
    throw new Error(`select: index ${index} is out of range for dim ${dim} of size ${n} (shape ${shapeToString(x.shape)})`);
  }
  const begin = x.shape.map((_, k) => (k === d ? i : 0));
  const size = x.shape.map((s, k) => (k === d ? 1 : s));
  return reshape(slice(x, begin, size), x.shape.filter((_, k) => k !== d));
}

/** `length` entries of `dim` starting at `start` (negative counts from the end); the rank is kept. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = dimOf('narrow', dim, x.shape);
  const n = x.shape[d];
  const s = start < 0 ? start + n : start;
  if (!Number.isInteger(start) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > n) {
    throw new Error(`narrow: start ${start} and length ${length} do not fit dim ${dim} of size ${n} (shape ${shapeToString(x.shape)})`);
  }
  return slice(x, x.shape.map((_, k) => (k === d ? s : 0)), x.shape.map((m, k) => (k === d ? length : m)));
}
