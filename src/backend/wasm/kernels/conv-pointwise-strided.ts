/**
 * 1x1 convs with a stride (resnet8's shortcuts: 1x1, stride 2, no padding): every output pixel is
 * one input pixel's C channels times the [C, K] filter, so the kernel gathers blocks of those
 * pixels into a contiguous buffer and runs the GEMM on it (wasm/assembly/conv-pointwise-strided.ts)
 * instead of the implicit GEMM's per-pixel row table. Same sums as the implicit GEMM and the
 * pointwise GEMM (over c in order, then bias, then the activation).
 */
import type { ConvGeometry } from '../../ref/im2col.js';
import type { WasmContext } from '../context.js';
import { GEMM_MR } from './gemm.js';
import type { Temps } from './inputs.js';

/**
 * Whether the strided 1x1 kernel takes this conv: 1x1, a stride above 1, no dilation or groups,
 * C % 4 == 0, and every output pixel reads an input pixel (no top or left padding, and the last
 * row and column inside the image: bottom or right padding may only go unread).
 */
export function pointwiseStridedFits(g: ConvGeometry): boolean {
  return g.kH === 1 && g.kW === 1 && (g.strideH > 1 || g.strideW > 1) && g.dilH === 1 && g.dilW === 1 && g.groups === 1 &&
    g.padTop === 0 && g.padLeft === 0 && (g.outH - 1) * g.strideH < g.inH && (g.outW - 1) * g.strideW < g.inW && g.inC % 4 === 0;
}

/** y = act(x (*) w + bias) for a conv that pointwiseStridedFits, split by output pixels. */
export function pointwiseStrided(ctx: WasmContext, temps: Temps, geo: ConvGeometry, x: number, w: number, bias: number, y: number, flags: number): void {
  const C = geo.inC, K = geo.outC;
  const bp = temps.alloc(Math.ceil(K / 8) * 8 * C * 4);
  ctx.call('packBAll', { N: K, K: C, b: w, ldb: K, tb: 0, dst: bp });
  ctx.workspace(ctx.size('pointwiseStridedWorkspaceBytes', { C }));
  const args = {
    mr: GEMM_MR, x, H: geo.inH, W: geo.inW, C, sy: geo.strideH, sx: geo.strideW, OH: geo.outH, OW: geo.outW,
    p0: 0, count: 0, bp, K, bias, y, flags, ws: 0,
  };
  ctx.parallel('convPointwiseStrided', args, {
    total: geo.rows, grain: ctx.grain(geo.rows, 4, GEMM_MR * 4), chunk: { p0: [1, 0], count: [0, 1] }, work: 2 * geo.rows * C * K, workspace: 'ws',
  });
}
