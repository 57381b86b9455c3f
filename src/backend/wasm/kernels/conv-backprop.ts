/**
 * Conv2DBackprop: dx and dW of a conv in one call. A stride-2 3x3 conv on the phase Winograd
 * (the algorithm Conv2DBackpropInput and Conv2DBackpropFilter pick for it) runs both in one pass
 * over its tiles (wino42BackpropPart): the adjoint and the filter gradient transform each dy tile
 * to the same A dy A^T, so it is transformed once and dy read once, and every part of images
 * writes its images of dx and its dU partial. The same tiles, chunks and summation orders as the
 * two kernels, so the same bits. Every other conv runs the two kernels.
 */
import type { KernelFn } from '../../kernels.js';
import { checkDy, type ConvGeometry, convGeometry } from '../../ref/im2col.js';
import { checkedResidual } from '../../ref/Conv2D.js';
import type { WasmContext } from '../context.js';
import { filterGradFinishStride2, flopsOf, winoFilterGradParts } from './conv-grad.js';
import { phaseWinogradFits, WINO_CHUNK, WINO_MR, winoFilter42 } from './conv-util.js';
import { Temps } from './inputs.js';

type Shape4 = [number, number, number, number];

export function makeConv2DBackprop(
  ctx: WasmContext, inputGrad: KernelFn<'Conv2DBackpropInput'>, filterGrad: KernelFn<'Conv2DBackpropFilter'>,
): KernelFn<'Conv2DBackprop'> {
  return ({ x, dy, filter, accumulate }, attrs) => {
    const geo = convGeometry('Conv2DBackprop', x.shape, filter.shape, attrs);
    if (!(phaseWinogradFits(geo) && geo.inC % 4 === 0 && geo.outC % 4 === 0)) {
      return [
        inputGrad({ dy, filter, accumulate }, Object.assign({}, attrs, { inputShape: [...x.shape] as Shape4 })),
        filterGrad({ x, dy }, Object.assign({}, attrs, { filterShape: [...filter.shape] as Shape4 })),
      ];
    }
    checkDy('Conv2DBackprop', geo, dy.shape);
    const dx = ctx.heap.output([...x.shape]), dw = ctx.heap.output([...filter.shape]);
    const temps = new Temps(ctx);
    const acc = accumulate === undefined ? 0 : temps.f32(checkedResidual(accumulate, x.shape, 'Conv2DBackprop', 'accumulate'));
    backpropStride2(ctx, temps, geo, { x: temps.f32(x), dy: temps.f32(dy), w: temps.f32(filter), acc }, dx.handle.ptr, dw.handle.ptr);
    temps.release();
    return [dx, dw];
  };
}

/**
 * Both gradients of a stride-2 3x3 conv: wino42BackpropPart over the filter gradient's fixed image
 * parts (each part's images of dx, its dU partial), then the partials' in-order sum.
 */
function backpropStride2(
  ctx: WasmContext, temps: Temps, geo: ConvGeometry, p: { x: number; dy: number; w: number; acc: number }, dx: number, dw: number,
): void {
  const C = geo.inC, K = geo.outC, N = geo.batch;
  const Ut = winoFilter42(ctx, temps, p.w, C, K, true);
  const partBytes = ctx.size('wino42FilterGradPartBytes', { C, K });
  const { parts, perPart } = winoFilterGradParts(N, Math.ceil(geo.outH / 4) * Math.ceil(geo.outW / 4), partBytes);
  const dUs = temps.alloc(parts * partBytes);
  ctx.workspace(ctx.size('wino42BackpropWorkspaceBytes', { C, K, chunk: WINO_CHUNK }));
  const args = {
    mr: WINO_MR, x: p.x, H: geo.inH, W: geo.inW, C, padT: geo.padTop, padL: geo.padLeft, dy: p.dy, OH: geo.outH, OW: geo.outW, K,
    N, perPart, part: 0, chunk: WINO_CHUNK, Ut, dx, acc: p.acc, dUs, partStride: partBytes, ws: 0,
  };
  ctx.parallel('wino42BackpropPart', args, { total: parts, grain: 1, chunk: { part: [1, 0] }, work: 2 * flopsOf(geo), workspace: 'ws', unitChunks: true });
  filterGradFinishStride2(ctx, dUs, parts, partBytes, C, K, dw);
}
