/**
 * Conv2DPointwise: a conv, then a pointwise (1x1, stride 1) conv of its output. A depthwise first
 * conv (a MobileNet block) runs as one job over images (wasm/assembly/depthwise-pointwise.ts): each
 * thread writes an image's depthwise output to its workspace and multiplies it by the packed
 * pointwise weights while it is in cache, so the intermediate (4-16 MB at batch 256) is never
 * written to memory and read back; a global average pooling after them (globalAverage) averages
 * each image's pointwise output in the same job. Other convs run the two Conv2D kernels (and
 * Reduce, Binary). Same bits either way.
 */
import type { KernelFn, TensorInfo } from '../../kernels.js';
import { type ConvGeometry, convGeometry } from '../../ref/im2col.js';
import type { WasmContext } from '../context.js';
import type { WasmHandle } from '../heap.js';
import { F_BIAS, F_MEAN_PIXELS } from '../generated/codes.js';
import { isDepthwise } from './depthwise.js';
import { epilogueFlags, GEMM_MR } from './gemm.js';
import { Temps } from './inputs.js';

/** The pointwise conv's attributes: 1x1, stride 1, unpadded, ungrouped. */
const POINTWISE = { strides: [1, 1] as [number, number], pad: [0, 0, 0, 0] as [number, number, number, number], dilations: [1, 1] as [number, number], groups: 1 };

/**
 * Undilated depthwise convs only (the fused export has no room for dilations among the pool's
 * arguments). The widest pointwise output the fused job takes (sgemmUPacked's packed width), and the largest
 * per-image depthwise output it keeps in a thread's workspace (L2-sized; mobilenet-mini's largest
 * is 16x16x32 floats, 32 KB).
 */
const MAX_POINTWISE_OUT = 1024;
const MAX_IMAGE_BYTES = 256 * 1024;

function fuses(geo: ConvGeometry, pointwiseOut: number): boolean {
  return isDepthwise(geo) && geo.dilH === 1 && geo.dilW === 1 && pointwiseOut <= MAX_POINTWISE_OUT && geo.outH * geo.outW * geo.outC * 4 <= MAX_IMAGE_BYTES;
}

/** The backend's Reduce and Binary, for the mean of the two-kernel fallback (as the mean op runs it). */
export interface MeanKernels { reduce: KernelFn<'Reduce'>; binary: KernelFn<'Binary'> }

export function makeConv2DPointwise(ctx: WasmContext, conv2D: KernelFn<'Conv2D'>, { reduce, binary }: MeanKernels): KernelFn<'Conv2DPointwise'> {
  /** [N, K]: y [N, H, W, K] summed over H and W, then divided by H * W. */
  const meanOverPixels = (y: TensorInfo): TensorInfo => {
    const sums = reduce({ x: y }, { op: 'sum', axes: [1, 2], keepDims: false });
    const count = ctx.heap.output([]);
    ctx.heap.f32[count.handle.ptr >> 2] = y.shape[1]! * y.shape[2]!;
    const means = binary({ a: sums, b: count }, { op: 'div' });
    ctx.heap.free(sums.handle as WasmHandle);
    ctx.heap.free(count.handle);
    return means;
  };
  return ({ x, filter, bias, pointwiseFilter, pointwiseBias }, { activation, pointwiseActivation, globalAverage, ...attrs }) => {
    const geo = convGeometry('Conv2DPointwise', x.shape, filter.shape, attrs);
    const [ph, pw, pc, K] = pointwiseFilter.shape as [number, number, number, number];
    if (ph !== 1 || pw !== 1 || pc !== geo.outC) {
      throw new Error(`Conv2DPointwise: expected a pointwise filter [1, 1, ${geo.outC}, K], got [${pointwiseFilter.shape.join(', ')}]`);
    }
    if (!fuses(geo, K)) {
      const h = conv2D({ x, filter, bias }, Object.assign({}, attrs, { activation }));
      const y = conv2D({ x: h, filter: pointwiseFilter, bias: pointwiseBias }, Object.assign({}, POINTWISE, { activation: pointwiseActivation }));
      ctx.heap.free(h.handle as WasmHandle);
      if (!globalAverage) return y;
      const means = meanOverPixels(y);
      ctx.heap.free(y.handle as WasmHandle);
      return means;
    }
    const pflags = epilogueFlags(pointwiseActivation) | (globalAverage ? F_MEAN_PIXELS : 0);
    return depthwisePointwise(ctx, geo, { x, filter, bias, pointwiseFilter, pointwiseBias }, epilogueFlags(activation), pflags, K);
  };
}

interface Operands { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo; pointwiseFilter: TensorInfo; pointwiseBias?: TensorInfo }

function depthwisePointwise(ctx: WasmContext, geo: ConvGeometry, o: Operands, act: number, pact: number, K: number): TensorInfo {
  const mean = (pact & F_MEAN_PIXELS) !== 0;
  const out = ctx.heap.output(mean ? [geo.batch, K] : [geo.batch, geo.outH, geo.outW, K]);
  const temps = new Temps(ctx);
  const C = geo.outC;
  // The pointwise weights packed once for every image and thread (gemm.ts's layout).
  const bp = temps.alloc(C * Math.ceil(K / 8) * 8 * 4);
  ctx.call('packBAll', { N: K, K: C, b: temps.f32(o.pointwiseFilter), ldb: K, tb: 0, dst: bp });
  ctx.workspace(ctx.size('depthwisePointwiseWorkspaceBytes', { OH: geo.outH, OW: geo.outW, C, K }));
  const args = {
    x: temps.f32(o.x), H: geo.inH, W: geo.inW, C, KH: geo.kH, KW: geo.kW, sy: geo.strideH, sx: geo.strideW,
    padT: geo.padTop, padL: geo.padLeft, OH: geo.outH, OW: geo.outW, w: temps.f32(o.filter), bias: o.bias === undefined ? 0 : temps.f32(o.bias),
    flags: (o.bias === undefined ? 0 : F_BIAS) | act, mr: GEMM_MR, bp, K, pbias: o.pointwiseBias === undefined ? 0 : temps.f32(o.pointwiseBias),
    pflags: (o.pointwiseBias === undefined ? 0 : F_BIAS) | pact, y: out.handle.ptr, n0: 0, n1: 0, ws: 0,
  };
  const work = 2 * geo.rows * C * (geo.kH * geo.kW + K);
  // Split by images [n0, n1).
  ctx.parallel('depthwisePointwise', args, { total: geo.batch, grain: ctx.grain(geo.batch, 4), chunk: { n0: [1, 0], n1: [1, 1] }, work, workspace: 'ws' });
  temps.release();
  return out;
}
