/** Ops that move values around: reshape, transpose, slice, concat, pad, cast, oneHot, where. */
import { inversePerm } from '../tensor/layout.js';
import { record, recordView } from '../autograd/record.js';
import { engine } from '../backend/engine.js';
import type { DType } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import { normalizeAxis, shapeToString, sizeOf } from '../tensor/shape.js';
import type { Deferred, Tensor } from '../tensor/tensor.js';
import { sumToShape } from './broadcast-grad.js';
import { zerosLike } from './create.js';
import { sliceView } from './slice-view.js';

/** Same values, new shape (one dimension may be -1). Shares storage: no copy. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const known = shape.filter((d) => d !== -1).reduce((n, d) => n * d, 1);
  const free = shape.filter((d) => d === -1).length;
  const resolved = shape.map((d) => (d === -1 ? x.size / known : d));
  if (free > 1 || sizeOf(resolved) !== x.size || !resolved.every(Number.isInteger)) {
    throw new Error(`reshape: cannot view ${x.size} values of shape ${shapeToString(x.shape)} as ${shapeToString(shape)}`);
  }
  const y = engine.makeView(x, resolved);
  // A view of a feature map that can be handed back (plan/deferred-chain.ts) can be too, or its
  // reference would keep the map's storage (the `view(-1, 320)` before a classifier head).
  if (x.handsBack) y.recomputable(viewAgain(x, resolved), null, x);
  return record('reshape', y, [x], (dy) => [engine.makeView(dy, x.shape)]);
}

/** How a handed-back view gets its value again: a view of its source (computed again if need be). */
function viewAgain(x: Tensor, shape: readonly number[]): Deferred {
  return {
    resolve(t: Tensor): void {
      const view = engine.makeView(x, shape);
      t.fulfil(view);
      view.release();
    },
  };
}

/** Keeps the first axis, flattens the rest: [N, ...] -> [N, prod(rest)]. */
export function flatten(x: Tensor): Tensor {
  return reshape(x, [x.shape[0], x.size / (x.shape[0] || 1)]);
}

export function expandDims(x: Tensor, axis = 0): Tensor {
  const a = normalizeAxis(axis, x.rank + 1, 'expandDims');
  return reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
}

export function squeeze(x: Tensor, axes?: readonly number[]): Tensor {
  const drop = axes === undefined ? x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0) : axes.map((a) => normalizeAxis(a, x.rank, 'squeeze'));
  for (const a of drop) if (x.shape[a] !== 1) throw new Error(`squeeze: axis ${a} of shape ${shapeToString(x.shape)} has size ${x.shape[a]}, expected 1`);
  return reshape(x, x.shape.filter((_, i) => !drop.includes(i)));
}

/** Permutes axes; default reverses them. */
/**
 * Axes reordered by `perm` (default: reversed). No values move here: the result records the order
 * (tensor/layout.ts), so transposes that undo each other, as the NCHW <-> NHWC pairs around
 * PyTorch-style convs and pools do, cost nothing; values are reordered once, when an op or a
 * reader needs them in order.
 */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const p = perm ? [...perm] : x.shape.map((_, i) => x.rank - 1 - i);
  checkPerm(p, x.rank);
  const y = engine.permuteView(x, p);
  const inverse = inversePerm(p);
  // A gradient of x seen through the transpose is free when it then reads in its stored order.
  const seen = (dx: Tensor): Tensor | null => {
    const v = engine.permuteView(dx, p);
    if (v.storedOrder === null) return v;
    v.release(); // not a free view: the rule declines, and nobody else holds this one
    return null;
  };
  return recordView('transpose', y, x, (dy) => engine.permuteView(dy, inverse), seen);
}

function checkPerm(p: readonly number[], rank: number): void {
  if (p.length !== rank || !isPermutation(p)) {
    throw new Error(`transpose: perm must order the ${rank} axes 0..${rank - 1} once each, got [${p.join(', ')}]`);
  }
}

/** Whether p holds 0..p.length-1 once each (no Set: an nn conv checks three perms per call). */
function isPermutation(p: readonly number[]): boolean {
  if (p.length > 31) return new Set(p).size === p.length && p.every((a) => Number.isInteger(a) && a >= 0 && a < p.length);
  let seen = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]!;
    if (!Number.isInteger(a) || a < 0 || a >= p.length || (seen & (1 << a)) !== 0) return false;
    seen |= 1 << a;
  }
  return true;
}

/**
 * The block starting at `begin` of extent `size` (-1: to the end). A block that is one contiguous
 * range of x's storage (a range of the leading axis) shares it, with no copy (slice-view.ts).
 */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  const b = x.shape.map((_, i) => begin[i] ?? 0);
  const s = x.shape.map((d, i) => (size?.[i] === undefined || size[i] === -1 ? d - b[i] : size[i]));
  const y = sliceView(x, b, s) ?? engine.runKernel('Slice', { x }, { begin: b, size: s });
  return record('slice', y, [x], (dy) => [
    engine.runKernel('Pad', { x: dy }, { paddings: x.shape.map((d, i) => [b[i], d - b[i] - s[i]] as [number, number]), value: 0 }),
  ]);
}

export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error('concat: needs at least one tensor');
  const a = normalizeAxis(axis, xs[0].rank, 'concat');
  const y = engine.runKernel('Concat', { xs: [...xs] }, { axis: a });
  return record('concat', y, xs, (dy) => {
    let offset = 0;
    return xs.map((x) => {
      const begin = x.shape.map((_, i) => (i === a ? offset : 0));
      offset += x.shape[a];
      return engine.runKernel('Slice', { x: dy }, { begin, size: [...x.shape] });
    });
  });
}

/** Constant padding; `paddings[i]` = [before, after] for axis i. */
export function pad(x: Tensor, paddings: readonly (readonly [number, number])[], value = 0): Tensor {
  const p = x.shape.map((_, i) => [paddings[i]?.[0] ?? 0, paddings[i]?.[1] ?? 0] as [number, number]);
  const y = engine.runKernel('Pad', { x }, { paddings: p, value });
  return record('pad', y, [x], (dy) => [engine.runKernel('Slice', { x: dy }, { begin: p.map((q) => q[0]), size: [...x.shape] })]);
}

export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  const y = engine.runKernel('Cast', { x }, { dtype });
  return record('cast', y, [x], (dy) => [dtype === 'float32' && x.dtype === 'float32' ? dy : null]);
}

/** float32 one-hot rows for int32 class indices: shape [...indices.shape, depth]. */
export function oneHot(indices: Tensor, depth: number): Tensor {
  if (indices.dtype !== 'int32') throw new Error(`oneHot: expected int32 class indices, got ${indices.dtype}`);
  return engine.runKernel('OneHot', { indices }, { depth });
}

/** cond != 0 ? a : b, with broadcasting. */
export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  const y = engine.runKernel('Where', { cond, a, b }, {});
  return record('where', y, [a, b], (dy) => {
    const zero = zerosLike(dy);
    return [
      sumToShape(engine.runKernel('Where', { cond, a: dy, b: zero }, {}), a.shape),
      sumToShape(engine.runKernel('Where', { cond, a: zero, b: dy }, {}), b.shape),
    ];
  });
}

export type { Shape };
