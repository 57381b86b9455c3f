/**
 * Data movement and small ops (Transpose, Slice, Concat, Pad, Cast, OneHot, Where): interim TS
 * loops over heap views with the reference semantics (Slice and Pad as contiguous-run copies). None of them runs in the seed CNN's
 * training step; they read the heap in place and write straight into the output handle.
 */
import type { KernelFn, TensorInfo } from '../../kernels.js';
import type { Shape } from '../../../tensor/shape.js';
import { broadcastShapes, normalizeAxis, shapesEqual, shapeToString, sizeOf, stridesOf } from '../../../tensor/shape.js';
import { broadcastIndices, fail, stridedIndices } from '../../ref/strided.js';
import type { WasmContext } from '../context.js';
import { copyBlock } from './block-copy.js';

type View = Float32Array | Int32Array;

function viewOf(ctx: WasmContext, t: TensorInfo): View {
  return ctx.heap.view(t.handle, t.dtype, sizeOf(t.shape));
}

/** Output tensor and its view (allocated first, so the views of inputs made later stay valid). */
function outWith(ctx: WasmContext, shape: Shape, dtype: TensorInfo['dtype']): [TensorInfo, View] {
  const out = ctx.heap.output(shape, dtype);
  return [out, ctx.heap.view(out.handle, dtype, sizeOf(shape))];
}

function gather(ctx: WasmContext, x: TensorInfo, shape: Shape, source: Int32Array): TensorInfo {
  const [out, ys] = outWith(ctx, shape, x.dtype);
  const xs = viewOf(ctx, x);
  for (let i = 0; i < ys.length; i++) ys[i] = xs[source[i]!]!;
  return out;
}

export function makeTranspose(ctx: WasmContext): KernelFn<'Transpose'> {
  return ({ x }, { perm }) => {
    const rank = x.shape.length;
    const valid = perm.length === rank && new Set(perm).size === rank && perm.every((p) => Number.isInteger(p) && p >= 0 && p < rank);
    if (!valid) fail('Transpose', 'perm', `a permutation of [0, ${rank}) for a rank-${rank} input`, perm);
    const strides = stridesOf(x.shape);
    const shape = perm.map((p) => x.shape[p]!);
    return gather(ctx, x, shape, stridedIndices(shape, perm.map((p) => strides[p]!)));
  };
}

export function makeSlice(ctx: WasmContext): KernelFn<'Slice'> {
  return ({ x }, { begin, size }) => {
    const rank = x.shape.length;
    if (begin.length !== rank) fail('Slice', 'begin', `of length ${rank} (the input rank)`, begin);
    if (size.length !== rank) fail('Slice', 'size', `of length ${rank} (the input rank)`, size);
    const shape = x.shape.map((d, i) => {
      const b = begin[i]!;
      const s = size[i] === -1 ? d - b : size[i]!;
      const ok = Number.isInteger(b) && Number.isInteger(s) && b >= 0 && s >= 0 && b + s <= d;
      if (!ok) fail('Slice', `begin/size on axis ${i}`, `within [0, ${d}] for input shape [${x.shape.join(', ')}]`, `begin ${b}, size ${size[i]}`);
      return s;
    });
    const [out, ys] = outWith(ctx, shape, x.dtype);
    copyBlock(shape, { data: viewOf(ctx, x), shape: x.shape, begin }, { data: ys, shape, begin: shape.map(() => 0) });
    return out;
  };
}

export function makeConcat(ctx: WasmContext): KernelFn<'Concat'> {
  return ({ xs }, { axis }) => {
    if (xs.length === 0) throw new Error('Concat: expected at least 1 input, got 0');
    const first = xs[0]!;
    const ax = normalizeAxis(axis, first.shape.length, 'Concat');
    xs.forEach((x, k) => {
      const same = x.shape.length === first.shape.length && x.shape.every((d, i) => i === ax || d === first.shape[i]);
      if (!same) throw new Error(`Concat: input ${k} must match input 0 ${shapeToString(first.shape)} except on axis ${ax}, got ${shapeToString(x.shape)}`);
      if (x.dtype !== first.dtype) throw new Error(`Concat: input ${k} must have dtype ${first.dtype}, got ${x.dtype}`);
    });
    const shape = [...first.shape];
    shape[ax] = xs.reduce((sum, x) => sum + x.shape[ax]!, 0);
    const outer = sizeOf(shape.slice(0, ax));
    const rowOut = sizeOf(shape.slice(ax));
    const [out, ys] = outWith(ctx, shape, first.dtype);
    let start = 0;
    for (const x of xs) {
      const data = viewOf(ctx, x);
      const row = sizeOf(x.shape.slice(ax));
      for (let o = 0; o < outer; o++) ys.set(data.subarray(o * row, (o + 1) * row), o * rowOut + start);
      start += row;
    }
    return out;
  };
}

export function makePad(ctx: WasmContext): KernelFn<'Pad'> {
  return ({ x }, { paddings, value }) => {
    const rank = x.shape.length;
    if (paddings.length !== rank) fail('Pad', 'paddings', `${rank} [before, after] pairs (the input rank)`, paddings.map((p) => `[${p}]`));
    paddings.forEach((p, i) => {
      if (p.length !== 2 || !p.every((v) => Number.isInteger(v) && v >= 0)) fail('Pad', `paddings[${i}]`, 'a pair of non-negative integers', p);
    });
    const shape = x.shape.map((d, i) => paddings[i]![0] + d + paddings[i]![1]);
    const [out, ys] = outWith(ctx, shape, x.dtype);
    ys.fill(value);
    copyBlock(x.shape, { data: viewOf(ctx, x), shape: x.shape, begin: x.shape.map(() => 0) }, { data: ys, shape, begin: paddings.map(([before]) => before) });
    return out;
  };
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export function makeCast(ctx: WasmContext): KernelFn<'Cast'> {
  return ({ x }, { dtype }) => {
    if (dtype !== 'float32' && dtype !== 'int32') throw new Error(`Cast: dtype must be 'float32' or 'int32', got '${String(dtype)}'`);
    const [out, ys] = outWith(ctx, x.shape, dtype);
    const xs = viewOf(ctx, x);
    if (dtype === 'float32' || x.dtype === 'int32') {
      for (let i = 0; i < xs.length; i++) ys[i] = xs[i]!;
    } else {
      // Truncate toward zero, NaN -> 0, saturate at the int32 range (as the reference does).
      for (let i = 0; i < xs.length; i++) {
        const v = xs[i]!;
        ys[i] = v !== v ? 0 : Math.min(Math.max(Math.trunc(v), INT32_MIN), INT32_MAX);
      }
    }
    return out;
  };
}

export function makeOneHot(ctx: WasmContext): KernelFn<'OneHot'> {
  return ({ indices }, { depth }) => {
    if (indices.dtype !== 'int32') fail('OneHot', 'indices dtype', "'int32'", indices.dtype);
    if (!Number.isInteger(depth) || depth < 0) fail('OneHot', 'depth', 'a non-negative integer', depth);
    const [out, ys] = outWith(ctx, [...indices.shape, depth], 'float32');
    ys.fill(0);
    const idx = viewOf(ctx, indices);
    for (let i = 0; i < idx.length; i++) {
      const k = idx[i]!;
      if (k >= 0 && k < depth) ys[i * depth + k] = 1;
    }
    return out;
  };
}

export function makeWhere(ctx: WasmContext): KernelFn<'Where'> {
  return ({ cond, a, b }) => {
    if (a.dtype !== b.dtype) throw new Error(`Where: a and b must have the same dtype, got ${a.dtype} and ${b.dtype}`);
    const name = `Where (cond ${shapeToString(cond.shape)})`;
    const shape = broadcastShapes(cond.shape, broadcastShapes(a.shape, b.shape, 'Where'), name);
    const index = (s: Shape) => (shapesEqual(s, shape) ? null : broadcastIndices(s, shape));
    const [ic, ia, ib] = [index(cond.shape), index(a.shape), index(b.shape)];
    const [out, ys] = outWith(ctx, shape, a.dtype);
    const [c, av, bv] = [viewOf(ctx, cond), viewOf(ctx, a), viewOf(ctx, b)];
    for (let i = 0; i < ys.length; i++) {
      const pick = c[ic === null ? i : ic[i]!] !== 0;
      ys[i] = pick ? av[ia === null ? i : ia[i]!]! : bv[ib === null ? i : ib[i]!]!;
    }
    return out;
  };
}
