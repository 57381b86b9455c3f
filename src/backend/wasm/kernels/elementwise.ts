/**
 * Binary, Unary and UnaryGrad. Float32 arithmetic, comparisons, max/min and the piecewise-linear
 * activations run in wasm SIMD (same-shape, trailing-block and scalar/leading-block broadcasts);
 * everything else (pow, transcendental functions, int32, irregular broadcasts) is an interim TS
 * loop over heap views with the reference definitions, so results equal the reference backend.
 */
import type { BinaryOp, KernelFn, UnaryOp } from '../../kernels.js';
import { broadcastShapes, shapesEqual, shapeToString, sizeOf } from '../../../tensor/shape.js';
import { broadcastApply, layoutOf } from '../../ref/broadcast.js';
import { isBinaryOp, opCode } from '../../ref/binary-ops.js';
import { unaryDef } from '../../ref/unary-math.js';
import type { WasmContext } from '../context.js';
import { ptrOf } from '../heap.js';

const COMPARISONS = new Set<BinaryOp>(['equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual']);
const INT_VARIANT: Partial<Record<BinaryOp, 'imul' | 'idiv'>> = { mul: 'imul', div: 'idiv' };

/** wasm binaryF32 codes: [op as written, op with swapped operands]. */
const WASM_BINARY: Partial<Record<BinaryOp, [number, number]>> = {
  add: [0, 0], sub: [1, 6], mul: [2, 2], div: [3, 7], maximum: [4, 4], minimum: [5, 5],
  equal: [8, 8], notEqual: [9, 9], greater: [10, 12], greaterEqual: [11, 13], less: [12, 10], lessEqual: [13, 11],
};

/** Elementwise work below this many elements runs on one thread. */
const PAR_ELEMENTS = 1 << 17;

function elementwise(ctx: WasmContext, name: string, args: number[], i0Arg: number, n: number): void {
  ctx.parallel(name, args, n, ctx.grain(n, 2, 1024), [[i0Arg, 1, 0], [i0Arg + 1, 0, 1]], n >= PAR_ELEMENTS ? Infinity : 0);
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
    const codes = a.dtype === 'float32' ? WASM_BINARY[op] : undefined;
    if (codes !== undefined && n > 0) {
      const la = layoutOf(a.shape, shape);
      const lb = layoutOf(b.shape, shape);
      const [full, other, lo, code] = la.kind === 'same' ? [a, b, lb, codes[0]] : [b, a, la, codes[1]];
      if ((la.kind === 'same' || lb.kind === 'same') && lo.kind !== 'general') {
        const mode = lo.kind === 'same' ? 0 : lo.kind === 'tile' ? 1 : 2;
        const m = lo.kind === 'tile' ? lo.m : lo.kind === 'stretch' ? lo.r : 1;
        elementwise(ctx, 'binaryF32', [code, ptrOf(full), ptrOf(other), out.handle.ptr, 0, 0, mode, m], 4, n);
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
  neg: 0, abs: 1, sqrt: 2, square: 3, relu: 4, relu6: 5, leakyRelu: 6, step: 7, reciprocal: 8,
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
      elementwise(ctx, 'unaryF32', [code, ptrOf(x), out.handle.ptr, 0, 0, alpha], 3, n);
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
      elementwise(ctx, 'unaryGradF32', [code, ptrOf(x), ptrOf(dy), out.handle.ptr, 0, 0, alpha], 4, n);
      return out;
    }
    const xs = ctx.heap.view(x.handle, x.dtype, n);
    const dys = ctx.heap.view(dy.handle, dy.dtype, n);
    const ys = ctx.heap.view(out.handle, 'float32', n);
    for (let i = 0; i < n; i++) ys[i] = dys[i]! * df(xs[i]!, alpha);
    return out;
  };
}
