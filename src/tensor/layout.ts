/**
 * Permuted storage: a tensor may hold its values in another axis order than its shape says, so a
 * transpose is a relabelling instead of a copy. `layout` lists, for each axis of the stored
 * values, the logical axis it is: stored = transpose(logical, layout). NCHW tensors of the
 * PyTorch-style API are mostly NHWC inside: conv and pooling run channels-last, and the transposes
 * around them cancel (`transpose` composes layouts) or pass through elementwise ops (`unaryOp`),
 * so values are reordered only where an op or a reader needs them in logical order.
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
  const kept = p.filter((axis) => shape[axis] !== 1);
  return kept.every((axis, i) => i === 0 || axis > kept[i - 1]!);
}

/** The stored shape of a tensor with `shape` held in `layout`. */
export function storedShape(shape: Shape, layout: Layout): number[] {
  return layout.map((axis) => shape[axis]!);
}
