/**
 * Permuted storage: a tensor may hold its values in another axis order than its shape says, so a
 * transpose is a relabelling instead of a copy. `layout` lists, for each axis of the stored
 * values, the logical axis it is: stored = transpose(logical, layout). NCHW tensors of the
 * PyTorch-style API are mostly NHWC inside: conv and pooling run channels-last, and the transposes
 * around them cancel (`transpose` composes layouts) or pass through elementwise ops (`unaryOp`),
 * so values are reordered only where an op or a reader needs them in logical order.
 *
 * A reshape keeps the stored order too (`StoredOrder.dims`): a flatten of an NHWC-stored NCHW
 * activation holds each sample's features HWC-ordered, which a Linear reads as they are once its
 * weight's columns are stored in that order (nn/linear.ts, ops/matmul.ts). Variables keep their
 * order when read (`Tensor.keepsLayout`): nn.Conv2d's OIHW weight is HWIO in storage for good, so
 * the conv kernels read it, its gradient arrives, and the optimizer updates it, without a copy.
 */
import type { Shape } from './shape.js';

export type Layout = readonly number[];

/**
 * Told of each reordering `Tensor.materialize` runs (a Transpose kernel outside `runKernel`), with
 * its milliseconds, so kernel counts and profiles include them. Set through `engine.observer`.
 */
export const materializeWatch: { observer: ((ms: number) => void) | null } = { observer: null };

/** p ∘ q: transpose(transpose(x, q), p) = transpose(x, compose(p, q)). */
export function composePerms(p: readonly number[], q: readonly number[]): number[] {
  return p.map((i) => q[i]!);
}

export function inversePerm(p: readonly number[]): number[] {
  const inv = new Array<number>(p.length);
  p.forEach((axis, i) => (inv[axis] = i));
  return inv;
}

/** Whether transposing by p moves no values: the identity once axes of size 1 are set aside. */
export function movesNothing(shape: Shape, p: readonly number[]): boolean {
  let last = -1;
  for (let i = 0; i < p.length; i++) {
    const axis = p[i]!;
    if (shape[axis] === 1) continue;
    if (axis < last) return false;
    last = axis;
  }
  return true;
}

/** The stored shape of a tensor with `shape` held in `layout`. */
export function storedShape(shape: Shape, layout: Layout): number[] {
  return layout.map((axis) => shape[axis]!);
}

/**
 * How a tensor's storage holds its values: `layout` permutes the axes of `dims`, a shape of the
 * same size as the tensor's (its own shape, or the shape before a reshape that kept the order, as
 * a flatten of an NHWC-stored NCHW tensor does). Row-major order in `dims` is row-major order in
 * the tensor's shape, so a reshape never needs to move values.
 */
export interface StoredOrder {
  readonly layout: Layout;
  readonly dims: Shape;
}

export function sameOrder(a: StoredOrder | null, b: StoredOrder | null): boolean {
  if (a === null || b === null) return a === b;
  return sameList(a.layout, b.layout) && sameList(a.dims, b.dims);
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The permutation that takes values stored in `from` (null: row-major) to `to`'s order, both over
 * the same `dims`: transpose(stored_from, perm) = stored_to.
 */
export function permBetween(from: Layout | null, to: Layout): number[] {
  return from === null ? [...to] : composePerms(to, inversePerm(from));
}

/**
 * The stored order of a rank-2 [rows, cols] tensor's columns when its rows stay first and whole
 * (a flatten of a permuted [N, C, H, W] tensor: each row holds one sample's values, HWC-ordered):
 * then each row, as stored, is the columns in that order. Null for any other order.
 */
export function columnOrder(shape: Shape, order: StoredOrder | null): StoredOrder | null {
  if (order === null || shape.length !== 2 || order.layout[0] !== 0 || order.dims[0] !== shape[0]) return null;
  return { layout: order.layout.slice(1).map((axis) => axis - 1), dims: order.dims.slice(1) };
}

/** The stored order of [rows, cols] whose columns hold `columns` (the inverse of `columnOrder`). */
export function withColumnOrder(rows: number, columns: StoredOrder): StoredOrder {
  return { layout: [0, ...columns.layout.map((axis) => axis + 1)], dims: [rows, ...columns.dims] };
}
