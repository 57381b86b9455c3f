/**
 * Elementwise loops over two broadcast operands. Binary runs every training step (bias adds,
 * optimizer updates), so the common layouts get their own tight loops and only irregular
 * broadcasts pay for index maps:
 * - same:    operand has the output's shape            -> x[i]
 * - tile:    operand is a trailing block of the output  -> x[i % m]   (bias [C] on [N, C])
 * - stretch: operand is a leading block, repeated      -> x[i / r]   ([N, 1] on [N, C]; scalars)
 * The loops are written for the full-shape operand first; when it is `b`, the op's mirror code
 * (sub -> rsub, greater -> less, ...) keeps the argument order right without a wrapper closure.
 */
import type { DataArray } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';
import { sizeOf } from '../../tensor/shape.js';
import { applyBinary, mirrorCode } from './binary-ops.js';
import { broadcastIndices } from './strided.js';

type Out = Float32Array | Int32Array;

type Layout = { kind: 'same' } | { kind: 'tile'; m: number } | { kind: 'stretch'; r: number } | { kind: 'general' };

/** How an operand of shape `s` maps onto the broadcast output shape `o`. */
export function layoutOf(s: Shape, o: Shape): Layout {
  const n = sizeOf(o);
  if (sizeOf(s) === n) return { kind: 'same' }; // equal sizes + broadcastable => same data order
  if (sizeOf(s) === 1) return { kind: 'stretch', r: n };
  const padded = [...new Array<number>(o.length - s.length).fill(1), ...s];
  let k = 0;
  while (k < o.length && padded[k] === 1) k++;
  if (padded.slice(k).every((d, i) => d === o[k + i])) return { kind: 'tile', m: sizeOf(o.slice(k)) };
  k = 0;
  while (k < o.length && padded[k] === o[k]) k++;
  if (padded.slice(k).every((d) => d === 1)) return { kind: 'stretch', r: sizeOf(o.slice(k)) };
  return { kind: 'general' };
}

function sameSame(a: DataArray, b: DataArray, out: Out, op: number): void {
  for (let i = 0; i < out.length; i++) out[i] = applyBinary(op, a[i], b[i]);
}

function sameTile(a: DataArray, b: DataArray, m: number, out: Out, op: number): void {
  for (let o = 0; o < out.length; o += m) {
    for (let j = 0; j < m; j++) out[o + j] = applyBinary(op, a[o + j], b[j]);
  }
}

function sameStretch(a: DataArray, b: DataArray, r: number, out: Out, op: number): void {
  for (let k = 0, o = 0; o < out.length; k++, o += r) {
    const v = b[k];
    for (let j = 0; j < r; j++) out[o + j] = applyBinary(op, a[o + j], v);
  }
}

function general(a: DataArray, aShape: Shape, b: DataArray, bShape: Shape, oShape: Shape, out: Out, op: number): void {
  const ia = broadcastIndices(aShape, oShape);
  const ib = broadcastIndices(bShape, oShape);
  for (let i = 0; i < out.length; i++) out[i] = applyBinary(op, a[ia[i]], b[ib[i]]);
}

/** Runs the tight loop for `full` (output-shaped) against `other` laid out as `layout`, if any. */
function fastPath(full: DataArray, other: DataArray, layout: Layout, out: Out, op: number): boolean {
  if (layout.kind === 'same') sameSame(full, other, out, op);
  else if (layout.kind === 'tile') sameTile(full, other, layout.m, out, op);
  else if (layout.kind === 'stretch') sameStretch(full, other, layout.r, out, op);
  return layout.kind !== 'general';
}

/** Fills `out` (shape `oShape`, already broadcast) with op(a, b) elementwise; `op` from binary-ops.ts. */
export function broadcastApply(
  a: DataArray, aShape: Shape, b: DataArray, bShape: Shape, oShape: Shape, out: Out, op: number,
): void {
  const la = layoutOf(aShape, oShape);
  const lb = layoutOf(bShape, oShape);
  if (la.kind === 'same' && fastPath(a, b, lb, out, op)) return;
  if (lb.kind === 'same' && fastPath(b, a, la, out, mirrorCode(op))) return;
  general(a, aShape, b, bShape, oShape, out, op);
}
