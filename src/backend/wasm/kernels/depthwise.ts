/**
 * Depthwise convolution (groups = input channels = output channels, filter [KH, KW, 1, C]) and its
 * two gradients, channels-last in SIMD (wasm/assembly/depthwise.ts). The forward and the input
 * gradient split rows; the filter gradient sums a fixed number of row blocks in order, so results
 * are identical on any number of threads. Depth multipliers > 1 stay on the grouped fallback.
 */
import type { ConvGeometry } from '../../ref/im2col.js';
import type { WasmContext } from '../context.js';
import type { Temps } from './inputs.js';

/** One filter per channel and no depth multiplier: the geometry these kernels run. */
export const isDepthwise = (g: ConvGeometry): boolean => g.groups > 1 && g.groups === g.inC && g.outC === g.inC;

/** Multiply-adds per output element: one per tap. */
const flopsOf = (g: ConvGeometry): number => 2 * g.rows * g.outC * g.kH * g.kW;

const geometryArgs = (g: ConvGeometry) => ({
  C: g.inC, KH: g.kH, KW: g.kW, sy: g.strideH, sx: g.strideW, dh: g.dilH, dw: g.dilW, padT: g.padTop, padL: g.padLeft,
});

/** y = act(bias + depthwise(x, w)); flags as Conv2D's (F_BIAS, F_RELU). */
export function depthwiseForward(ctx: WasmContext, g: ConvGeometry, x: number, w: number, bias: number, y: number, flags: number): void {
  const total = g.batch * g.outH;
  const args = { x, H: g.inH, W: g.inW, ...geometryArgs(g), OH: g.outH, OW: g.outW, w, bias, y, flags, r0: 0, rows: 0 };
  ctx.parallel('depthwiseForward', args, { total, grain: ctx.grain(total, 4), chunk: { r0: [1, 0], rows: [0, 1] }, work: flopsOf(g) });
}

/**
 * dx of the depthwise conv, each input row gathered from the dy rows that read it; the workspace
 * holds the column taps (computed once per thread and call).
 */
export function depthwiseInputGrad(ctx: WasmContext, g: ConvGeometry, dy: number, w: number, dx: number): void {
  const total = g.batch * g.inH;
  ctx.workspace(ctx.size('depthwiseInputGradWorkspaceBytes', { W: g.inW }));
  const args = { dy, OH: g.outH, OW: g.outW, ...geometryArgs(g), H: g.inH, W: g.inW, w, dx, r0: 0, rows: 0, ws: 0 };
  ctx.parallel('depthwiseBackpropInput', args, {
    total, grain: ctx.grain(total, 4), chunk: { r0: [1, 0], rows: [0, 1] }, work: flopsOf(g), workspace: 'ws',
  });
}

/**
 * Row blocks of the filter gradient: fixed (not per thread) so the in-order sum is reproducible,
 * and even, so two threads share them evenly.
 */
const FILTER_GRAD_PARTS = 8;

/** dw of the depthwise conv: FILTER_GRAD_PARTS partial [KH, KW, C] sums, then their in-order sum. */
export function depthwiseFilterGrad(ctx: WasmContext, temps: Temps, g: ConvGeometry, x: number, dy: number, dw: number): void {
  const rows = g.batch * g.outH;
  const perPart = Math.ceil(rows / Math.min(FILTER_GRAD_PARTS, rows));
  const parts = Math.ceil(rows / perPart);
  const n = g.kH * g.kW * g.inC;
  const partStride = Math.ceil(n / 16) * 64;
  const dws = temps.alloc(parts * partStride);
  const args = { x, H: g.inH, W: g.inW, ...geometryArgs(g), dy, OH: g.outH, OW: g.outW, rows, perPart, part: 0, dws, partStride };
  ctx.parallel('depthwiseBackpropFilterPart', args, { total: parts, grain: 1, chunk: { part: [1, 0] }, work: flopsOf(g), unitChunks: true });
  ctx.call('depthwiseFilterGradSum', { dws, parts, partStride, n, dw });
}
