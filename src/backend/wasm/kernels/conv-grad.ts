/**
 * Conv2DBackpropInput and Conv2DBackpropFilter.
 * dx: pointwise (1x1 stride 1 unpadded): one GEMM into dx. 3x3 stride 1 with C % 8 == 0,
 *   K % 4 == 0 and an output of at least 9 pixels runs as the Winograd F(4x4, 3x3) forward over dy
 *   with the rotated, channel-swapped filter when dx has no more 4x4 tiles than dy ('same'
 *   padding; wino4Forward), else as the adjoint of that forward (wino4BackpropInput); 3x3 stride
 *   2 with C % 4 == 0, K % 4 == 0, C x K <= 256 x 256 and at least 16 output pixels as the
 *   adjoint of the Winograd F(4x4, 2x2) forward on the input's phases (wino42BackpropInput);
 *   otherwise dcols = dy W^T (GEMM) and col2im scatter-adds them.
 * dW: 3x3 stride 1 (C % 4 == 0, K % 4 == 0, output >= 9 pixels) and 5x5 stride 1 (C % 4 == 0,
 *   K % 4 == 0): Winograd F(4x4, 3x3) / F(2x2, 5x5) filter gradient over a fixed number of image
 *   blocks, summed in order (reproducible); 3x3 stride 2 (C % 4 == 0, K % 4 == 0, C x K <= 256 x 256,
 *   output >= 16 pixels): the same through the F(4x4, 2x2) phase Winograd; pointwise (1x1 stride 1 unpadded): one GEMM X^T dY
 *   over fixed pixel blocks summed in order; up to 3 input channels (the first layer):
 *   direct kernel over fixed row blocks (conv1BackpropFilterPart); other dilation-1 convs:
 *   implicit-im2col GEMM; dilated ones: im2col + GEMM.
 * Depthwise convs (groups = channels): SIMD over channels (depthwise.ts); other grouped convs:
 * interim TS over views.
 */
import type { KernelFn } from '../../kernels.js';
import { sizeOf } from '../../../tensor/shape.js';
import { checkDy, type ConvGeometry, convGeometry } from '../../ref/im2col.js';
import type { WasmContext } from '../context.js';
import { im2colRows } from './conv.js';
import { padded, phaseWinogradFits, WINO_CHUNK, winoFilter, winoFilter25, winoFilter42, winoImageGrain } from './conv-util.js';
import { convFilterGradTS, convInputGradTS } from './conv-ts.js';
import { depthwiseFilterGrad, depthwiseInputGrad, isDepthwise } from './depthwise.js';
import { gemm, GEMM_MR, MR } from './gemm.js';
import { Temps } from './inputs.js';
import { addActivationInPlace } from './elementwise.js';
import { checkedResidual } from '../../ref/Conv2D.js';
import { F_ACC } from '../generated/codes.js';

const flopsOf = (g: ConvGeometry): number => 2 * g.rows * g.outC * g.patch;
/**
 * Below this many output pixels per image the Winograd gradients (4x4 output tiles) give way to
 * GEMM + col2im (dx) and the implicit-GEMM filter gradient. conv3 of the seed CNN (3x3 output,
 * one tile per image, batch 64) measured dx 1.22 vs 1.51 ms and dW 1.20 vs 1.39 ms on 2 threads,
 * a tie on one.
 */
const WINO_GRAD_MIN_PIXELS = 9;
/** 4x4 output tiles per image of a Winograd F(4x4, 3x3) pass. */
const winoTiles = (g: ConvGeometry): number => Math.ceil(g.outH / 4) * Math.ceil(g.outW / 4);
const isWino = (g: ConvGeometry): boolean =>
  g.kH === 3 && g.kW === 3 && g.strideH === 1 && g.strideW === 1 && g.dilH === 1 && g.dilW === 1 && g.groups === 1;

/** 5x5 stride 1 (no dilation or groups): the F(2x2, 5x5) forward's adjoint takes its input gradient. */
const isWino25 = (g: ConvGeometry): boolean =>
  g.kH === 5 && g.kW === 5 && g.strideH === 1 && g.strideW === 1 && g.dilH === 1 && g.dilW === 1 && g.groups === 1 &&
  g.inC % 4 === 0 && g.outC % 4 === 0 && g.outH * g.outW >= 4;

/** The two Winograd input gradients, F(4x4, 3x3) and F(2x2, 5x5): one driver, their own transforms and tile. */
const WINOGRAD_INPUT_GRADS = {
  wino4: { k: 3, tile: 4, filter: winoFilter, workspace: 'wino4InputGradWorkspaceBytes', kernel: 'wino4BackpropInput' },
  wino25: { k: 5, tile: 2, filter: winoFilter25, workspace: 'wino25InputGradWorkspaceBytes', kernel: 'wino25BackpropInput' },
} as const;

/**
 * dx as the adjoint of the Winograd forward (same tiles, so the same cost as the forward): dy
 * tiles are transformed, multiplied by the forward's U (of the channel-swapped filter, so the
 * GEMM runs K -> C) and transformed back into overlapping windows of dx.
 */
function inputGradWinograd(ctx: WasmContext, temps: Temps, geo: ConvGeometry, dy: number, w: number, dx: number, variant: keyof typeof WINOGRAD_INPUT_GRADS): void {
  const { k, tile, filter, workspace, kernel } = WINOGRAD_INPUT_GRADS[variant];
  const C = geo.inC, K = geo.outC;
  const swapped = temps.alloc(k * k * C * K * 4);
  ctx.call('swapFilterIO', { w, KH: k, KW: k, C, K, out: swapped }); // [k, k, K, C]
  const Ut = filter(ctx, temps, swapped, K, C);
  ctx.workspace(ctx.size(workspace, { C, K, chunk: WINO_CHUNK }));
  // Split by images [n0, n1).
  const args = {
    dy, OH: geo.outH, OW: geo.outW, K, Ut, C, dx, H: geo.inH, W: geo.inW, padT: geo.padTop, padL: geo.padLeft,
    n0: 0, n1: 0, chunk: WINO_CHUNK, ws: 0,
  };
  const tiles = Math.ceil(geo.outH / tile) * Math.ceil(geo.outW / tile);
  ctx.parallel(kernel, args, {
    total: geo.batch, grain: winoImageGrain(ctx, geo.batch, tiles), chunk: { n0: [1, 0], n1: [1, 1] }, work: flopsOf(geo), workspace: 'ws',
  });
}

/**
 * Can dx of this 3x3 stride-1 conv run as a forward Winograd conv over dy (inputGradAsForward)?
 * When dx has no more 4x4 tiles than dy (a 'same' conv): each dx pixel is then written once by
 * one output transform, where the adjoint zero-fills dx and scatter-adds overlapping 6x6 windows
 * (cifar-vgg's c2-c5, batch 64, 1 thread: 1.1-1.26x faster). A 'valid' conv's dx is larger than
 * dy (13x13 from 11x11: 16 tiles instead of 9), so it keeps the adjoint.
 */
function inputGradFitsForward(g: ConvGeometry): boolean {
  return g.inC % 8 === 0 && g.outC % 4 === 0 &&
    Math.ceil(g.inH / 4) * Math.ceil(g.inW / 4) <= winoTiles(g);
}

/**
 * dx of a 3x3 stride-1 conv as the forward Winograd conv of dy with the filter rotated 180
 * degrees and its channel axes swapped: dx[q] = sum_d dy[q + padT - d] w[d] is a conv of dy
 * padded by 2 - padT (rows) and 2 - padL (columns), read in place, K -> C channels. The same
 * products as the adjoint, summed in another order (float rounding differs, not the math).
 */
function inputGradAsForward(ctx: WasmContext, temps: Temps, geo: ConvGeometry, dy: number, w: number, dx: number, acc: number): void {
  const C = geo.inC, K = geo.outC;
  const flipped = temps.alloc(9 * C * K * 4);
  ctx.call('flipFilter', { w, KH: 3, KW: 3, C, K, out: flipped }); // [3, 3, K, C], rotated
  const U = winoFilter(ctx, temps, flipped, K, C);
  ctx.workspace(ctx.size('wino4WorkspaceBytes', { C: K, K: C, chunk: WINO_CHUNK }));
  const args = {
    x: dy, H: geo.outH, W: geo.outW, C: K, padT: 2 - geo.padTop, padL: 2 - geo.padLeft, OH: geo.inH, OW: geo.inW,
    U, K: C, bias: 0, y: dx, flags: 0, n0: 0, n1: 0, chunk: WINO_CHUNK, ws: 0, pooled: 0, poolMode: 0, res: acc,
  };
  const tiles = Math.ceil(geo.inH / 4) * Math.ceil(geo.inW / 4);
  ctx.parallel('wino4Forward', args, {
    total: geo.batch, grain: winoImageGrain(ctx, geo.batch, tiles), chunk: { n0: [1, 0], n1: [1, 1] }, work: flopsOf(geo), workspace: 'ws',
  });
}

/**
 * dx of a stride-2 3x3 conv as the adjoint of the Winograd F(4x4, 2x2) forward (winograd42-input-grad.ts), split by images;
 * its tiles added onto a copy of `acc` instead of zeros when acc != 0.
 */
function inputGradWinogradStride2(ctx: WasmContext, temps: Temps, geo: ConvGeometry, dy: number, w: number, dx: number, acc: number): void {
  const C = geo.inC, K = geo.outC;
  const Ut = winoFilter42(ctx, temps, w, C, K, true);
  ctx.workspace(ctx.size('wino42InputGradWorkspaceBytes', { C, K, chunk: WINO_CHUNK }));
  const args = {
    dy, OH: geo.outH, OW: geo.outW, K, Ut, C, dx, H: geo.inH, W: geo.inW, padT: geo.padTop, padL: geo.padLeft,
    n0: 0, n1: 0, chunk: WINO_CHUNK, ws: 0, acc,
  };
  const tiles = Math.ceil(geo.outH / 4) * Math.ceil(geo.outW / 4);
  ctx.parallel('wino42BackpropInput', args, {
    total: geo.batch, grain: winoImageGrain(ctx, geo.batch, tiles), chunk: { n0: [1, 0], n1: [1, 1] }, work: flopsOf(geo), workspace: 'ws',
  });
}

/**
 * A pointwise conv (1x1, stride 1, unpadded) is a GEMM on the pixels: dx [rows, C] = dy [rows, K]
 * W^T straight into dx, where the general path writes the same values as patch columns and then
 * copies them with col2im.
 */
function inputGradPointwise(ctx: WasmContext, geo: ConvGeometry, dy: number, w: number, dx: number): void {
  gemm(ctx, { M: geo.rows, N: geo.inC, K: geo.outC, a: dy, lda: geo.outC, ta: false, b: w, ldb: geo.outC, tb: true, c: dx, ldc: geo.inC, flags: 0, bias: 0 });
}

function inputGradGemm(ctx: WasmContext, temps: Temps, geo: ConvGeometry, dy: number, w: number, dx: number): void {
  const KK = geo.patch, K = geo.outC;
  const cols = temps.alloc(geo.rows * KK * 4);
  gemm(ctx, { M: geo.rows, N: KK, K, a: dy, lda: K, ta: false, b: w, ldb: K, tb: true, c: cols, ldc: KK, flags: 0, bias: 0 });
  // Split by images [n0, n1).
  const args = {
    cols, H: geo.inH, W: geo.inW, C: geo.inC, KH: geo.kH, KW: geo.kW, sy: geo.strideH, sx: geo.strideW, dy: geo.dilH, dx: geo.dilW,
    padT: geo.padTop, padL: geo.padLeft, OH: geo.outH, OW: geo.outW, n0: 0, n1: 0, out: dx,
  };
  ctx.parallel('col2im', args, { total: geo.batch, grain: ctx.grain(geo.batch, 2), chunk: { n0: [1, 0], n1: [1, 1] }, work: geo.rows * KK });
}

export function makeConv2DBackpropInput(ctx: WasmContext): KernelFn<'Conv2DBackpropInput'> {
  return ({ dy, filter, accumulate }, attrs) => {
    const geo = convGeometry('Conv2DBackpropInput', attrs.inputShape, filter.shape, attrs);
    checkDy('Conv2DBackpropInput', geo, dy.shape);
    const out = ctx.heap.output([...attrs.inputShape]);
    const temps = new Temps(ctx);
    const [pdy, pw, pdx] = [temps.f32(dy), temps.f32(filter), out.handle.ptr];
    const acc = accumulate === undefined ? 0 : temps.f32(checkedResidual(accumulate, attrs.inputShape, 'Conv2DBackpropInput', 'accumulate'));
    // The gradient already gathered: added by the F(4x4, 3x3) forward's output transform (dx
    // written once, with the sum; the bits of dx + acc), copied where the stride-2 adjoint would
    // zero dx before scatter-adding its tiles (the same sum in another order), or added by one
    // in-place pass after the other algorithms (the bits of dx + acc).
    let accAfter = acc !== 0;
    if (isDepthwise(geo)) {
      depthwiseInputGrad(ctx, geo, pdy, pw, pdx);
    } else if (geo.groups > 1) {
      const v = (p: number, n: number) => ctx.heap.f32.subarray(p >> 2, (p >> 2) + n);
      convInputGradTS(v(pdy, sizeOf(dy.shape)), v(pw, sizeOf(filter.shape)), v(pdx, sizeOf(out.shape)), geo);
    } else if (geo.pointwise && geo.groups === 1) {
      inputGradPointwise(ctx, geo, pdy, pw, pdx);
    } else if (isWino(geo) && geo.outH * geo.outW >= WINO_GRAD_MIN_PIXELS && inputGradFitsForward(geo)) {
      inputGradAsForward(ctx, temps, geo, pdy, pw, pdx, acc);
      accAfter = false;
    } else if (isWino(geo) && geo.inC % 8 === 0 && geo.outC % 4 === 0 && geo.outH * geo.outW >= WINO_GRAD_MIN_PIXELS) {
      inputGradWinograd(ctx, temps, geo, pdy, pw, pdx, 'wino4');
    } else if (isWino25(geo)) {
      inputGradWinograd(ctx, temps, geo, pdy, pw, pdx, 'wino25');
    } else if (phaseWinogradFits(geo) && geo.inC % 4 === 0 && geo.outC % 4 === 0) {
      inputGradWinogradStride2(ctx, temps, geo, pdy, pw, pdx, acc);
      accAfter = false;
    } else {
      inputGradGemm(ctx, temps, geo, pdy, pw, pdx);
    }
    if (accAfter) addActivationInPlace(ctx, pdx, acc, sizeOf(out.shape), 'linear');
    temps.release();
    return out;
  };
}

/** Image blocks of the Winograd filter gradient (fixed, not per thread: reproducible sums). */
const DW_PARTS = 8;

/**
 * Bytes a Winograd filter gradient's dU partials may take together (but at least two parts): a
 * partial is 36 C K floats (F(4x4, 3x3); the phase Winograd's 100 C K), 4-11 times the filter,
 * and a training step finds them out of cache, so writing and summing them cost more than more
 * parts save. At batch 64: resnet8's 3x3/2 32->64 conv (800 KB per partial) runs 2 parts instead
 * of 6 (4.9 MB), its 8x8 64->64 (590 KB) 4 instead of 6, cifar-vgg's c5 (1.2 MB) 2 instead of 6
 * and c4 (590 KB) 4 instead of 8; partials up to 300 KB (resnet8's other convs, cifar-vgg's c2 and
 * c3, the seed CNN's conv2) keep 8 parts, and the seed CNN's conv3 its 2.
 */
const WINO_DW_PARTIALS_BYTES = 2 << 20;

/**
 * Image blocks of a Winograd filter gradient: fixed (not per thread: reproducible sums), at most
 * DW_PARTS and as many as WINO_DW_PARTIALS_BYTES holds of `partBytes` partials (but 2), each deep
 * enough to fill a tile chunk, since every part zeroes, accumulates and later sums a whole dU;
 * an even count of equal parts, so two or four threads share them evenly (conv3 of the seed CNN:
 * 48 + 16 images before, 32 + 32 now).
 */
function winoFilterGradParts(N: number, tilesPerImage: number, partBytes: number): { parts: number; perPart: number } {
  const most = Math.max(2, Math.min(DW_PARTS, Math.floor(WINO_DW_PARTIALS_BYTES / partBytes)));
  const deep = Math.max(Math.ceil(N / Math.min(most, N)), Math.ceil(WINO_CHUNK / tilesPerImage));
  const fewest = Math.ceil(N / deep);
  const parts = Math.min(N, fewest > 1 ? fewest + (fewest % 2) : 1);
  return { parts, perPart: Math.ceil(N / parts) };
}

/**
 * dW of a stride-2 3x3 conv through the F(4x4, 2x2) phase Winograd (winograd42-filter-grad.ts):
 * dU partials over fixed image blocks, then one pass that sums them in order, transforms back and
 * maps the phases onto the 3x3 taps. x unpadded: the kernel reads the padding as zeros.
 */
function filterGradWinogradStride2(ctx: WasmContext, temps: Temps, geo: ConvGeometry, x: number, dy: number, dw: number): void {
  const C = geo.inC, K = geo.outC, N = geo.batch;
  const partBytes = ctx.size('wino42FilterGradPartBytes', { C, K });
  const { parts, perPart } = winoFilterGradParts(N, Math.ceil(geo.outH / 4) * Math.ceil(geo.outW / 4), partBytes);
  const dUs = temps.alloc(parts * partBytes);
  ctx.workspace(ctx.size('wino42FilterGradWorkspaceBytes', { C, K, chunk: WINO_CHUNK }));
  const args = {
    x, H: geo.inH, W: geo.inW, C, padT: geo.padTop, padL: geo.padLeft, dy, OH: geo.outH, OW: geo.outW, K, N, perPart,
    part: 0, chunk: WINO_CHUNK, dUs, partStride: partBytes, ws: 0,
  };
  ctx.parallel('wino42BackpropFilterPart', args, { total: parts, grain: 1, chunk: { part: [1, 0] }, work: flopsOf(geo), workspace: 'ws', unitChunks: true });
  // Split by input channels [c0, c1).
  ctx.workspace(ctx.size('wino42FilterGradFinishBytes', { K }));
  ctx.parallel('wino42FilterGradFinish', { dUs, parts, partStride: partBytes, C, K, dw, tmp: 0, c0: 0, c1: 0 }, {
    total: C, grain: ctx.grain(C, 2), chunk: { c0: [1, 0], c1: [1, 1] }, work: C * K * 4 * 25 * (parts + 10), workspace: 'tmp',
  });
}

/**
 * The Winograd filter gradient: dU partials over fixed image blocks, then one pass that sums them
 * in order and transforms back. `size` 3 runs F(4x4, 3x3) (wino4*), 5 runs F(2x2, 5x5) (wino25*).
 */
function filterGradWinograd(ctx: WasmContext, temps: Temps, geo: ConvGeometry, x: number, pad: readonly number[], dy: number, dw: number, size: 3 | 5): void {
  const C = geo.inC, K = geo.outC, N = geo.batch;
  const tiles = size === 3 ? winoTiles(geo) : Math.ceil(geo.outH / 2) * Math.ceil(geo.outW / 2);
  const partBytes = ctx.size('wino4FilterGradPartBytes', { C, K });
  const { parts, perPart } = winoFilterGradParts(N, tiles, partBytes);
  const dUs = temps.alloc(parts * partBytes);
  const workspace = size === 3 ? 'wino4FilterGradWorkspaceBytes' : 'wino25FilterGradWorkspaceBytes';
  ctx.workspace(ctx.size(workspace, { C, K, chunk: WINO_CHUNK }));
  const common = { C, dy, K, N, perPart, part: 0, chunk: WINO_CHUNK, dUs, partStride: partBytes, ws: 0 };
  const job = { total: parts, grain: 1, chunk: { part: [1, 0] }, work: flopsOf(geo), workspace: 'ws', unitChunks: true } as const;
  if (size === 3) {
    // F(4x4, 3x3) reads the padding in place (edge windows gathered with zeros).
    const geometry = { x, H: geo.inH, W: geo.inW, padT: geo.padTop, padL: geo.padLeft, OH: geo.outH, OW: geo.outW };
    ctx.parallel('wino4BackpropFilterPart', Object.assign(common, geometry), job);
  } else {
    const xp = padded(ctx, temps, x, N, geo.inH, geo.inW, C, pad);
    ctx.parallel('wino25BackpropFilterPart', Object.assign(common, { x: xp.ptr, H: xp.H, W: xp.W }), job);
  }
  // Sum the partials in order and transform back in one SIMD pass (K % 4 == 0), split by input
  // channels [c0, c1).
  ctx.workspace(2048);
  const finish = { dUs, parts, partStride: partBytes, C, K, dw, flags: 0, tmp: 0, c0: 0, c1: 0 };
  const finishJob = { total: C, grain: ctx.grain(C, 2), chunk: { c0: [1, 0], c1: [1, 1] }, work: C * K * 36 * (parts + 20), workspace: 'tmp' } as const;
  if (size === 3) ctx.parallel('wino4FilterGradFinish4', finish, finishJob);
  else ctx.parallel('wino25FilterGradFinish4', finish, finishJob);
}

/**
 * Implicit-im2col filter gradient (dilation 1). The kernel computes MR filter rows at a time from
 * MR contiguous input values, so the filter width is widened to KWp with (KWp * C) % MR == 0
 * (e.g. 3 -> 4 for one channel): the extra columns are computed into scratch and dropped, and
 * the input gets enough right padding that they never read past it.
 */
function filterGradImplicit(ctx: WasmContext, temps: Temps, geo: ConvGeometry, pad: readonly number[], x: number, dy: number, dw: number): void {
  const C = geo.inC, K = geo.outC, P = geo.rows;
  let KWp = geo.kW;
  while ((KWp * C) % MR !== 0) KWp++;
  const wide = KWp !== geo.kW;
  const Wp = geo.inW + pad[2]! + pad[3]!;
  const extra = Math.max(0, (geo.outW - 1) * geo.strideW + KWp - Wp);
  const xp = padded(ctx, temps, x, geo.batch, geo.inH, geo.inW, C, [pad[0]!, pad[1]!, pad[2]!, pad[3]! + extra]);
  const rows = geo.kH * KWp * C;
  const target = wide ? temps.alloc(rows * K * 4) : dw;
  ctx.workspace(ctx.size('convFilterWorkspaceBytes', { P, K }));
  // Split by filter rows [i0, i0 + rows).
  const args = {
    mr: MR, x: xp.ptr, H: xp.H, W: xp.W, C, KH: geo.kH, KW: KWp, sy: geo.strideH, sx: geo.strideW, N: geo.batch,
    OH: geo.outH, OW: geo.outW, dy, K, i0: 0, rows: 0, dw: target, flags: 0, ws: 0,
  };
  ctx.parallel('convBackpropFilter', args, {
    total: rows, grain: ctx.grain(rows, 2, MR), chunk: { i0: [1, 0], rows: [0, 1] }, work: 2 * P * K * rows, workspace: 'ws',
  });
  if (wide) {
    const f = ctx.heap.f32;
    const rowLen = geo.kW * C * K;
    for (let kh = 0; kh < geo.kH; kh++) {
      const src = (target >> 2) + kh * KWp * C * K;
      f.copyWithin((dw >> 2) + kh * rowLen, src, src + rowLen);
    }
  }
}

/** Patch-matrix floats per im2col block of the fallback filter gradient. */
const COLS_FLOATS = 1 << 21;

function filterGradIm2col(ctx: WasmContext, temps: Temps, geo: ConvGeometry, x: number, dy: number, dw: number): void {
  const KK = geo.patch, K = geo.outC;
  const step = Math.max(MR, Math.floor(COLS_FLOATS / KK));
  const cols = temps.alloc(Math.min(step, geo.rows) * KK * 4);
  for (let p0 = 0; p0 < geo.rows; p0 += step) {
    const count = Math.min(step, geo.rows - p0);
    im2colRows(ctx, x, geo, p0, count, cols);
    gemm(ctx, { M: KK, N: K, K: count, a: cols, lda: KK, ta: true, b: dy + p0 * K * 4, ldb: K, tb: false, c: dw, ldc: K, flags: p0 === 0 ? 0 : F_ACC, bias: 0 });
  }
}

/**
 * Input channels up to this many take the one-channel direct filter gradient (the stem of an RGB
 * CNN). cifar-vgg's stem (32x32x3 -> 32, batch 64) measured 1 thread 5.6 ms on the implicit GEMM
 * (20 GF/s; each thread packed all of dy) against 2.3 ms here (49 GF/s), and the parts split over 2 threads.
 */
const DIRECT_DW_MAX_CHANNELS = 3;

/**
 * Few input channels (the first layer), dilation 1, K % 4 == 0: direct filter gradient (3 taps x 3
 * groups of 4 channels accumulated in registers per pass over an L1 block of dy), over DW_PARTS
 * fixed blocks of output rows summed in order (reproducible whatever the thread count).
 * C channels run as one: an NHWC row of W pixels is a one-channel row of W * C values, the KW x C
 * taps of a filter row are KW * C consecutive ones, and a step of sx pixels is sx * C values; the
 * HWIO filter [KH, KW, C, K] is [KH, KW * C, 1, K] in the same memory order.
 */
function filterGradFewChannels(ctx: WasmContext, temps: Temps, geo: ConvGeometry, pad: readonly number[], x: number, dy: number, dw: number): void {
  const C = geo.inC, K = geo.outC, rows = geo.batch * geo.outH;
  const xp = padded(ctx, temps, x, geo.batch, geo.inH, geo.inW, C, pad);
  const perPart = Math.ceil(rows / Math.min(DW_PARTS, rows));
  const parts = Math.ceil(rows / perPart);
  const partBytes = Math.ceil(geo.kH * geo.kW * C * K / 16) * 64;
  const dws = parts === 1 ? dw : temps.alloc(parts * partBytes);
  const args = {
    x: xp.ptr, H: xp.H, W: xp.W * C, KH: geo.kH, KW: geo.kW * C, sy: geo.strideH, sx: geo.strideW * C, dy, OH: geo.outH, OW: geo.outW,
    K, rows, perPart, part: 0, dws, partStride: partBytes,
  };
  ctx.parallel('conv1BackpropFilterPart', args, { total: parts, grain: 1, chunk: { part: [1, 0] }, work: flopsOf(geo), unitChunks: true });
  if (parts > 1) ctx.call('conv1FilterGradSum', { dws, parts, partStride: partBytes, n: geo.kH * geo.kW * C * K, dw });
}

/**
 * Reduction blocks of the pointwise filter gradient: fixed (not per thread) so the in-order sum of
 * the partial products is the same on any number of threads, and even, so two threads share them.
 */
const POINTWISE_DW_PARTS = 8;

/**
 * A pointwise conv's (1x1, stride 1, unpadded) filter gradient is one GEMM over the pixels:
 * dW [C, K] = X^T [C, P] dY [P, K]. Split by rows of W, every thread packed all of dY for itself;
 * split here along the P pixels instead: POINTWISE_DW_PARTS single-threaded sgemmU calls, each on
 * its own block of pixels into its own partial dW, then the partials are added in order.
 */
function filterGradPointwise(ctx: WasmContext, temps: Temps, geo: ConvGeometry, x: number, dy: number, dw: number): void {
  const C = geo.inC, K = geo.outC, P = geo.rows;
  const perPart = Math.ceil(P / Math.min(POINTWISE_DW_PARTS, P));
  const parts = Math.ceil(P / perPart);
  // Part j starts at pixel j * perPart and writes at dws + j * perPart * unit floats: the chunk
  // arguments are affine in the pixel start, so a part is perPart * unit >= C * K floats.
  const unit = Math.ceil(C * K / perPart);
  const dws = parts === 1 ? dw : temps.alloc(parts * perPart * unit * 4);
  ctx.workspace(ctx.size('gemmWorkspaceBytes', {}));
  const args = { mr: GEMM_MR, M: C, N: K, K: 0, a: x, lda: C, ta: 1, b: dy, ldb: K, tb: 0, c: dws, ldc: K, flags: 0, bias: 0, ws: 0 };
  ctx.parallel('sgemmU', args, {
    total: P, grain: perPart, chunk: { K: [0, 1], a: [4 * C, 0], b: [4 * K, 0], c: [4 * unit, 0] }, work: 2 * P * C * K, workspace: 'ws', unitChunks: true,
  });
  if (parts > 1) ctx.call('conv1FilterGradSum', { dws, parts, partStride: perPart * unit * 4, n: C * K, dw });
}

export function makeConv2DBackpropFilter(ctx: WasmContext): KernelFn<'Conv2DBackpropFilter'> {
  return ({ x, dy }, attrs) => {
    const geo = convGeometry('Conv2DBackpropFilter', x.shape, attrs.filterShape, attrs);
    checkDy('Conv2DBackpropFilter', geo, dy.shape);
    const out = ctx.heap.output([...attrs.filterShape]);
    const temps = new Temps(ctx);
    const [px, pdy, pdw] = [temps.f32(x), temps.f32(dy), out.handle.ptr];
    const d1 = geo.dilH === 1 && geo.dilW === 1;
    if (isDepthwise(geo)) {
      depthwiseFilterGrad(ctx, temps, geo, px, pdy, pdw);
    } else if (geo.groups > 1) {
      const v = (p: number, n: number) => ctx.heap.f32.subarray(p >> 2, (p >> 2) + n);
      convFilterGradTS(v(px, sizeOf(x.shape)), v(pdy, sizeOf(dy.shape)), v(pdw, sizeOf(out.shape)), geo);
    } else if (isWino(geo) && geo.inC % MR === 0 && geo.inC % 4 === 0 && geo.outC % 4 === 0 && geo.outH * geo.outW >= WINO_GRAD_MIN_PIXELS) {
      filterGradWinograd(ctx, temps, geo, px, attrs.pad, pdy, pdw, 3);
    } else if (isWino25(geo) && geo.inC % MR === 0) {
      filterGradWinograd(ctx, temps, geo, px, attrs.pad, pdy, pdw, 5);
    } else if (phaseWinogradFits(geo) && geo.inC % 4 === 0 && geo.outC % 4 === 0) {
      filterGradWinogradStride2(ctx, temps, geo, px, pdy, pdw);
    } else if (geo.pointwise) {
      filterGradPointwise(ctx, temps, geo, px, pdy, pdw);
    } else if (d1 && geo.inC <= DIRECT_DW_MAX_CHANNELS && geo.outC % 4 === 0) {
      filterGradFewChannels(ctx, temps, geo, attrs.pad, px, pdy, pdw);
    } else if (d1) {
      filterGradImplicit(ctx, temps, geo, attrs.pad, px, pdy, pdw);
    } else {
      filterGradIm2col(ctx, temps, geo, px, pdy, pdw);
    }
    temps.release();
    return out;
  };
}
