/**
 * Reduce and ArgMax. A float32 sum over leading axes (the bias gradient: sum over N, H, W) runs in
 * wasm with float64 accumulation, split into a fixed number of row blocks whose partial sums are
 * added in order, so the result does not depend on the thread count; a sum over a run of middle
 * axes (global pooling) runs in wasm too, one block per outer index. Other reductions are interim
 * TS loops over heap views with the reference semantics (float64 accumulators, NaN propagation).
 */
import type { KernelFn, ReduceOp } from '../../kernels.js';
import type { Shape } from '../../../tensor/shape.js';
import { normalizeAxis, shapeToString, sizeOf } from '../../../tensor/shape.js';
import { broadcastIndices, fail } from '../../ref/strided.js';
import type { WasmContext } from '../context.js';
import { ptrOf } from '../heap.js';

const INIT: Record<ReduceOp, number> = { sum: 0, max: -Infinity, min: Infinity };

function checkAxes(op: ReduceOp, axes: readonly number[], rank: number): void {
  axes.forEach((ax, i) => {
    if (!Number.isInteger(ax) || ax < 0 || ax >= rank) {
      fail(`Reduce(${op})`, 'each axis', `an integer in [0, ${rank - 1}] for rank ${rank}`, ax);
    }
    if (i > 0 && ax <= axes[i - 1]!) fail(`Reduce(${op})`, 'axes', 'sorted ascending without repeats', axes);
  });
}

/** Row blocks of the parallel sum: fixed (not per thread) so results are reproducible. */
const SUM_PARTS = 8;
const ROWS_PER_PART_MIN = 512;

/**
 * The fixed row blocks of a parallel leading-axes sum. BiasActivationGrad uses the same blocks, so
 * its bias gradient equals Reduce's sum of its dz bit for bit.
 */
export function sumBlocks(rows: number): { parts: number; perPart: number } {
  const parts = Math.max(1, Math.min(SUM_PARTS, Math.floor(rows / ROWS_PER_PART_MIN)));
  return { parts, perPart: Math.ceil(rows / parts) };
}

/** out[c] = sum over rows of x[rows, cols], in wasm. */
function sumLeading(ctx: WasmContext, x: number, rows: number, cols: number, out: number): void {
  const { parts, perPart } = sumBlocks(rows);
  const partials = ctx.heap.scratch(parts * cols * 8);
  // Chunk = part p: rows from r0 = p * perPart, partial sums at part + p * cols * 8.
  ctx.parallel('sumRowsF64', { x, cols, rows, r0: 0, nrows: perPart, part: partials.ptr }, {
    total: parts, grain: 1, chunk: { r0: [perPart, 0], part: [cols * 8, 0] }, work: rows * cols, unitChunks: true,
  });
  ctx.call('sumPartsF64', { parts: partials.ptr, nparts: parts, cols, out });
  ctx.heap.releaseScratch(partials);
}

/**
 * out[o, c] = sum over rows of x[o, rows, cols], in wasm: one float64 block per o, rows in order
 * (the reference's order), blocks split across threads. GlobalAveragePooling2D's sum over H, W.
 */
function sumMiddle(ctx: WasmContext, x: number, outer: number, rows: number, cols: number, out: number): void {
  const partials = ctx.heap.scratch(outer * cols * 8);
  ctx.parallel('sumRowsF64', { x, cols, rows, r0: 0, nrows: rows, part: partials.ptr }, {
    total: outer, grain: 1, chunk: { x: [rows * cols * 4, 0], part: [cols * 8, 0] }, work: outer * rows * cols, unitChunks: true,
  });
  ctx.call('sumPartsF64', { parts: partials.ptr, nparts: 1, cols: outer * cols, out });
  ctx.heap.releaseScratch(partials);
}

/**
 * A sum over the run of axes as [outer, rows, cols] blocks, when each block is worth a wasm call
 * of its own (global pooling: cols = channels); null for thin blocks (a sum over the last axis),
 * where a call per outer index would cost more than the interim loop.
 */
function middleBlocks(shape: Shape, axes: readonly number[]): { outer: number; rows: number; cols: number } | null {
  const outer = sizeOf(shape.slice(0, axes[0]!));
  const rows = sizeOf(axes.map((a) => shape[a]!));
  const cols = sizeOf(shape.slice(axes.at(-1)! + 1));
  return cols >= MIDDLE_MIN_COLS && rows * cols >= MIDDLE_MIN_BLOCK ? { outer, rows, cols } : null;
}
const MIDDLE_MIN_COLS = 4;
const MIDDLE_MIN_BLOCK = 256;

/** Whether sorted `axes` are one run of consecutive axes. */
function contiguous(axes: readonly number[]): boolean {
  return axes.every((a, i) => a === axes[0]! + i);
}

function accumulate(op: ReduceOp, x: ArrayLike<number>, target: Int32Array, acc: Float64Array): void {
  if (op === 'sum') {
    for (let i = 0; i < x.length; i++) acc[target[i]!]! += x[i]!;
  } else if (op === 'max') {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!, t = target[i]!;
      if (v > acc[t]! || v !== v) acc[t] = v;
    }
  } else {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!, t = target[i]!;
      if (v < acc[t]! || v !== v) acc[t] = v;
    }
  }
}

export function makeReduce(ctx: WasmContext): KernelFn<'Reduce'> {
  return ({ x }, { op, axes, keepDims }) => {
    if (!Object.hasOwn(INIT, op)) throw new Error(`Reduce: unknown op '${String(op)}'`);
    checkAxes(op, axes, x.shape.length);
    const reduced = new Set(axes);
    const kept: Shape = x.shape.map((d, i) => (reduced.has(i) ? 1 : d));
    const shape = keepDims ? kept : x.shape.filter((_, i) => !reduced.has(i));
    const out = ctx.heap.output(shape, x.dtype);
    const n = sizeOf(x.shape);
    const leading = axes.every((a, i) => a === i);
    if (op === 'sum' && x.dtype === 'float32' && leading && n > 0) {
      const rows = sizeOf(x.shape.slice(0, axes.length));
      sumLeading(ctx, ptrOf(x), rows, n / rows, out.handle.ptr);
      return out;
    }
    const middle = op === 'sum' && x.dtype === 'float32' && axes.length > 0 && contiguous(axes) && n > 0 ? middleBlocks(x.shape, axes) : null;
    if (middle !== null) {
      sumMiddle(ctx, ptrOf(x), middle.outer, middle.rows, middle.cols, out.handle.ptr);
      return out;
    }
    const acc = new Float64Array(sizeOf(kept)).fill(INIT[op]);
    accumulate(op, ctx.heap.view(x.handle, x.dtype, n), broadcastIndices(kept, x.shape), acc);
    ctx.heap.view(out.handle, x.dtype, acc.length).set(acc);
    return out;
  };
}

export function makeArgMax(ctx: WasmContext): KernelFn<'ArgMax'> {
  return ({ x }, { axis }) => {
    const ax = normalizeAxis(axis, x.shape.length, 'ArgMax');
    const n = x.shape[ax]!;
    if (n === 0) throw new Error(`ArgMax: axis ${axis} must have length > 0, got shape ${shapeToString(x.shape)}`);
    const outer = sizeOf(x.shape.slice(0, ax));
    const inner = sizeOf(x.shape.slice(ax + 1));
    const out = ctx.heap.output(x.shape.filter((_, i) => i !== ax), 'int32');
    const xs = ctx.heap.view(x.handle, x.dtype, sizeOf(x.shape));
    const ys = ctx.heap.view(out.handle, 'int32', outer * inner);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) ys[o * inner + j] = argMaxLine(xs, o * n * inner + j, n, inner);
    }
    return out;
  };
}

/** Index k in [0, n) of the max of xs[base + k * stride]; the first NaN wins. */
function argMaxLine(xs: ArrayLike<number>, base: number, n: number, stride: number): number {
  let best = 0;
  let bestValue = xs[base]!;
  for (let k = 0; k < n; k++) {
    const v = xs[base + k * stride]!;
    if (v !== v) return k;
    if (v > bestValue) {
      best = k;
      bestValue = v;
    }
  }
  return best;
}
