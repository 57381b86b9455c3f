/**
 * Binary, Unary and UnaryGrad. Float32 arithmetic, comparisons, max/min and the piecewise-linear
 * activations run in wasm SIMD (same-shape, trailing-block, scalar/leading-block and per-block
 * trailing broadcasts such as [N, 1, 1, C] against [N, H, W, C]);
 * everything else (pow, transcendental functions, int32, irregular broadcasts) is an interim TS
 * loop over heap views with the reference definitions, so results equal the reference backend.
 */
import type { BinaryOp, FusedActivation, KernelFn, UnaryOp } from '../../kernels.js';
import { broadcastShapes, shapesEqual, shapeToString, sizeOf } from '../../../tensor/shape.js';
import { broadcastApply, layoutOf } from '../../ref/broadcast.js';
import { isBinaryOp, opCode } from '../../ref/binary-ops.js';
import { unaryDef } from '../../ref/unary-math.js';
import type { WasmContext } from '../context.js';
import { ptrOf } from '../heap.js';
import * as codes from '../generated/codes.js';

const COMPARISONS = new Set<BinaryOp>(['equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual']);
const INT_VARIANT: Partial<Record<BinaryOp, 'imul' | 'idiv'>> = { mul: 'imul', div: 'idiv' };

/** wasm binaryF32 codes: [op as written, op with swapped operands]. */
const WASM_BINARY: Partial<Record<BinaryOp, [number, number]>> = {
  add: [codes.BINARY_ADD, codes.BINARY_ADD], sub: [codes.BINARY_SUB, codes.BINARY_RSUB],
  mul: [codes.BINARY_MUL, codes.BINARY_MUL], div: [codes.BINARY_DIV, codes.BINARY_RDIV],
  maximum: [codes.BINARY_MAX, codes.BINARY_MAX], minimum: [codes.BINARY_MIN, codes.BINARY_MIN],
  equal: [codes.BINARY_EQ, codes.BINARY_EQ], notEqual: [codes.BINARY_NE, codes.BINARY_NE],
  greater: [codes.BINARY_GT, codes.BINARY_LT], greaterEqual: [codes.BINARY_GE, codes.BINARY_LE],
  less: [codes.BINARY_LT, codes.BINARY_GT], lessEqual: [codes.BINARY_LE, codes.BINARY_GE],
};

/** Elementwise work below this many elements runs on one thread. */
const PAR_ELEMENTS = 1 << 17;

/** An elementwise job over [0, n): each chunk is the range [i0, i0 + count). */
function elementRange(ctx: WasmContext, n: number) {
  return { total: n, grain: ctx.grain(n, 2, 1024), chunk: { i0: [1, 0], count: [0, 1] } as const, work: n >= PAR_ELEMENTS ? Infinity : 0 };
}

/** min(x, 6) over n floats at ptr, in place, for kernels that apply a relu but not relu6's clamp (relu6 of a relu'd value). */
export function capAt6InPlace(ctx: WasmContext, ptr: number, n: number): void {
  ctx.parallel('unaryF32', { op: codes.UNARY_RELU6, x: ptr, out: ptr, i0: 0, count: 0, alpha: 0 }, elementRange(ctx, n));
}

/**
 * y = activation(y + r) over n floats in place (r the same size): a residual added to a conv's
 * output by the kernels that do not read it in their own epilogue, each step rounded as the
 * unfused Add and ReLU round it.
 */
export function addActivationInPlace(ctx: WasmContext, y: number, r: number, n: number, activation: FusedActivation): void {
  ctx.parallel('binaryF32', { op: codes.BINARY_ADD, a: y, b: r, out: y, i0: 0, count: 0, mode: codes.BROADCAST_SAME, m: 1 }, elementRange(ctx, n));
  if (activation === 'linear') return;
  const op = activation === 'relu' ? codes.UNARY_RELU : codes.UNARY_RELU6;
  ctx.parallel('unaryF32', { op, x: y, out: y, i0: 0, count: 0, alpha: 0 }, elementRange(ctx, n));
}

/**
 * An operand of shape [A..., 1..., M...] against an output [A..., R..., M...] (e.g. a per-image,
 * per-channel [N, 1, 1, C] against [N, H, W, C]: global pooling's gradient): `outer` = A blocks of
 * r * m output values, each the operand's m values tiled r times. Null for any other broadcast.
 */
function blockTileOf(s: readonly number[], o: readonly number[]): { outer: number; r: number; m: number } | null {
  const padded = [...new Array<number>(o.length - s.length).fill(1), ...s];
  let i = 0;
  while (i < o.length && padded[i] === o[i]) i++;
  const k1 = i;
  while (i < o.length && padded[i] === 1) i++;
  const k2 = i;
  if (k1 === 0 || k2 === k1 || !padded.slice(k2).every((d, j) => d === o[k2 + j])) return null;
  return { outer: sizeOf(o.slice(0, k1)), r: sizeOf(o.slice(k1, k2)), m: sizeOf(o.slice(k2)) };
}

export function makeBinary(ctx: WasmContext): KernelFn<'Binary'> {
  return ({ a, b }, { op }) => {
    if (!isBinaryOp(op)) throw new Error(`Binary: unknown op '${String(op)}'`);
    if (a.dtype !== b.dtype) {
      throw new Error(`Binary(${op}): operands must have the same dtype, got ${a.dtype} ${shapeToString(a.shape)} and ${b.dtype} ${shapeToString(b.shape)}`);
    }
    const shape = broadcastShapes(a.shape, b.shape, `Binary(${op})`);
    const dtype = COMPARISONS.has(op) ? 'float32' : a.dtype;
    const out = ctx.heap.output(shape, dtype);
    const n = sizeOf(shape);
    const opCodes = a.dtype === 'float32' ? WASM_BINARY[op] : undefined;
    if (opCodes !== undefined && n > 0) {
      const la = layoutOf(a.shape, shape);
      const lb = layoutOf(b.shape, shape);
      const [full, other, lo, code] = la.kind === 'same' ? [a, b, lb, opCodes[0]] : [b, a, la, opCodes[1]];
      if ((la.kind === 'same' || lb.kind === 'same') && lo.kind !== 'general') {
        const mode = lo.kind === 'same' ? codes.BROADCAST_SAME : lo.kind === 'tile' ? codes.BROADCAST_TILE : codes.BROADCAST_STRETCH;
        const m = lo.kind === 'tile' ? lo.m : lo.kind === 'stretch' ? lo.r : 1;
        const args = { op: code, a: ptrOf(full), b: ptrOf(other), out: out.handle.ptr, i0: 0, count: 0, mode, m };
        ctx.parallel('binaryF32', args, elementRange(ctx, n));
        return out;
      }
      const block = la.kind === 'same' ? blockTileOf(b.shape, shape) : lb.kind === 'same' ? blockTileOf(a.shape, shape) : null;
      if (block !== null) {
        // One block of R * M output values per call, the operand's M values tiled over it.
        const { outer, r, m } = block;
        const args = { op: code, a: ptrOf(full), b: ptrOf(other), out: out.handle.ptr, i0: 0, count: r * m, mode: codes.BROADCAST_TILE, m };
        ctx.parallel('binaryF32', args, {
          total: outer, grain: 1, chunk: { a: [4 * r * m, 0], b: [4 * m, 0], out: [4 * r * m, 0] }, work: n >= PAR_ELEMENTS ? Infinity : 0, unitChunks: true,
        });
        return out;
      }
    }
    const code = opCode(a.dtype === 'int32' ? (INT_VARIANT[op] ?? op) : op);
    const heap = ctx.heap;
    const av = heap.view(a.handle, a.dtype, sizeOf(a.shape));
    const bv = heap.view(b.handle, b.dtype, sizeOf(b.shape));
    broadcastApply(av, a.shape, bv, b.shape, shape, heap.view(out.handle, dtype, n), code);
    return out;
  };
}

/** wasm unaryF32 / unaryGradF32 codes. */
const WASM_UNARY: Partial<Record<UnaryOp, number>> = {
  neg: codes.UNARY_NEG, abs: codes.UNARY_ABS, sqrt: codes.UNARY_SQRT, square: codes.UNARY_SQUARE, relu: codes.UNARY_RELU,
  relu6: codes.UNARY_RELU6, leakyRelu: codes.UNARY_LEAKY_RELU, step: codes.UNARY_STEP, reciprocal: codes.UNARY_RECIPROCAL,
};
const WASM_UNARY_GRAD = new Set<UnaryOp>(['neg', 'abs', 'square', 'relu', 'relu6', 'leakyRelu', 'step']);
const INT_PRESERVING = new Set<UnaryOp>(['neg', 'abs', 'square', 'sign', 'relu']);

export function makeUnary(ctx: WasmContext): KernelFn<'Unary'> {
  return ({ x }, { op, alpha }) => {
    const { f } = unaryDef('Unary', op);
    const n = sizeOf(x.shape);
    const code = WASM_UNARY[op];
    if (x.dtype === 'float32' && code !== undefined) {
      const out = ctx.heap.output(x.shape);
      ctx.parallel('unaryF32', { op: code, x: ptrOf(x), out: out.handle.ptr, i0: 0, count: 0, alpha }, elementRange(ctx, n));
      return out;
    }
    const intOut = x.dtype === 'int32' && INT_PRESERVING.has(op);
    const out = ctx.heap.output(x.shape, intOut ? 'int32' : 'float32');
    const xs = ctx.heap.view(x.handle, x.dtype, n);
    const ys = ctx.heap.view(out.handle, out.dtype, n);
    if (intOut && op === 'square') for (let i = 0; i < n; i++) ys[i] = Math.imul(xs[i]!, xs[i]!);
    else for (let i = 0; i < n; i++) ys[i] = f(xs[i]!, alpha);
    return out;
  };
}

export function makeUnaryGrad(ctx: WasmContext): KernelFn<'UnaryGrad'> {
  return ({ x, dy }, { op, alpha }) => {
    const { df } = unaryDef('UnaryGrad', op);
    if (!shapesEqual(x.shape, dy.shape)) {
      throw new Error(`UnaryGrad(${op}): dy shape must equal x shape ${shapeToString(x.shape)}, got ${shapeToString(dy.shape)}`);
    }
    const n = sizeOf(x.shape);
    const out = ctx.heap.output(x.shape);
    const code = WASM_UNARY[op];
    if (x.dtype === 'float32' && dy.dtype === 'float32' && code !== undefined && WASM_UNARY_GRAD.has(op)) {
      const args = { op: code, x: ptrOf(x), dy: ptrOf(dy), out: out.handle.ptr, i0: 0, count: 0, alpha };
      ctx.parallel('unaryGradF32', args, elementRange(ctx, n));
      return out;
    }
    const xs = ctx.heap.view(x.handle, x.dtype, n);
    const dys = ctx.heap.view(dy.handle, dy.dtype, n);
    const ys = ctx.heap.view(out.handle, 'float32', n);
    for (let i = 0; i < n; i++) ys[i] = dys[i]! * df(xs[i]!, alpha);
    return out;
  };
}
