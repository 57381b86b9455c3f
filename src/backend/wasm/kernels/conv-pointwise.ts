/**
 * Conv2DPointwise: blocks of a conv, then a pointwise (1x1, stride 1) conv of its output. When
 * every block's first conv is depthwise (a MobileNet's separable blocks), all blocks run as one job
 * over images (wasm/assembly/depthwise-pointwise.ts): each thread takes an image through every
 * block, the depthwise output of a block in its workspace while the packed pointwise weights
 * multiply it, and the block outputs in two image buffers, so no intermediate (4-16 MB each at
 * batch 256) is written to memory and read back; a global average pooling after them
 * (globalAverage) averages each image's last output in the same job; a stem conv before them that
 * Conv2D runs on conv1ForwardStrips (an RGB stem) runs in the same job too, image by image, its
 * output in a workspace buffer. Otherwise the stem and the blocks run as Conv2D kernels (then
 * Reduce and Binary). Same bits either way.
 */
import type { KernelFn, PointwiseBlock, PointwiseStem, TensorInfo } from '../../kernels.js';
import { type ConvGeometry, convGeometry } from '../../ref/im2col.js';
import type { WasmContext } from '../context.js';
import type { WasmHandle } from '../heap.js';
import { F_BIAS, F_MEAN_PIXELS } from '../generated/codes.js';
import { runsDirectStrips } from './conv.js';
import { isDepthwise } from './depthwise.js';
import { epilogueFlags } from './gemm.js';
import { Temps } from './inputs.js';

/** The pointwise conv's attributes: 1x1, stride 1, unpadded, ungrouped. */
const POINTWISE = { strides: [1, 1] as [number, number], pad: [0, 0, 0, 0] as [number, number, number, number], dilations: [1, 1] as [number, number], groups: 1 };

/**
 * Undilated depthwise convs only (the fused export has no room for dilations among the pool's
 * arguments). The widest pointwise output the fused job takes (sgemmUPacked's packed width), and
 * the largest per-image output a block keeps in a thread's workspace (L2-sized; mobilenet-mini's
 * largest is 16x16x64 floats, 64 KB).
 */
const MAX_POINTWISE_OUT = 1024;
const MAX_IMAGE_BYTES = 256 * 1024;

/** One block's operands and geometry. */
interface Block {
  geo: ConvGeometry;
  attrs: PointwiseBlock;
  filter: TensorInfo; bias?: TensorInfo;
  pointwiseFilter: TensorInfo; pointwiseBias?: TensorInfo;
  /** Pointwise outputs. */
  K: number;
}

function fuses(b: Block): boolean {
  const { geo, K } = b;
  return isDepthwise(geo) && geo.dilH === 1 && geo.dilW === 1 && K <= MAX_POINTWISE_OUT &&
    geo.outH * geo.outW * Math.max(geo.outC, K) * 4 <= MAX_IMAGE_BYTES;
}

/** The stem conv's operands and geometry. */
interface Stem { geo: ConvGeometry; attrs: PointwiseStem; filter: TensorInfo; bias?: TensorInfo }

type PointwiseInputs = Parameters<KernelFn<'Conv2DPointwise'>>[0];

function stemOf(inputs: PointwiseInputs, attrs: PointwiseStem | undefined): Stem | null {
  if (attrs === undefined) return null;
  const { stemFilter: filter, stemBias: bias } = inputs;
  if (filter === undefined || attrs.bias !== (bias !== undefined)) throw new Error('Conv2DPointwise: the stem\'s filter (and bias, when it has one) must be given');
  return { geo: convGeometry('Conv2DPointwise', inputs.x.shape, filter.shape, attrs), attrs, filter, bias };
}

/** The stem runs in the blocks' job when Conv2D would run it on conv1ForwardStrips (the same export, so the same bits). */
function stemFuses(s: Stem): boolean {
  const { geo } = s;
  return geo.groups === 1 && runsDirectStrips(geo) && geo.outH * geo.outW * geo.outC * 4 <= MAX_IMAGE_BYTES;
}

/** The blocks with their operands, shapes checked; block i's input is block i - 1's output (block 0's: `shape`). */
function blocksOf(inputs: PointwiseInputs, attrs: readonly PointwiseBlock[], shape: readonly number[]): Block[] {
  let b = 0;
  return attrs.map((a, i) => {
    const filter = inputs.filters[i]!, pointwiseFilter = inputs.pointwiseFilters[i]!;
    const geo = convGeometry('Conv2DPointwise', shape, filter.shape, a);
    const [ph, pw, pc, K] = pointwiseFilter.shape as [number, number, number, number];
    if (ph !== 1 || pw !== 1 || pc !== geo.outC) {
      throw new Error(`Conv2DPointwise: expected a pointwise filter [1, 1, ${geo.outC}, K], got [${pointwiseFilter.shape.join(', ')}]`);
    }
    const bias = a.bias ? inputs.biases[b++] : undefined;
    const pointwiseBias = a.pointwiseBias ? inputs.biases[b++] : undefined;
    shape = [geo.batch, geo.outH, geo.outW, K];
    return { geo, attrs: a, filter, bias, pointwiseFilter, pointwiseBias, K };
  });
}

/** The backend's Conv2D, Reduce and Binary, for blocks that do not fuse (as the unfused ops run them). */
export interface UnfusedKernels { conv2D: KernelFn<'Conv2D'>; reduce: KernelFn<'Reduce'>; binary: KernelFn<'Binary'> }

export function makeConv2DPointwise(ctx: WasmContext, { conv2D, reduce, binary }: UnfusedKernels): KernelFn<'Conv2DPointwise'> {
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
  /** One block as its two Conv2D kernels. */
  const unfusedBlock = (x: TensorInfo, b: Block): TensorInfo => {
    const { activation, pointwiseActivation, bias: _b, pointwiseBias: _p, ...conv } = b.attrs;
    const h = conv2D({ x, filter: b.filter, bias: b.bias }, Object.assign({}, conv, { activation }));
    const y = conv2D({ x: h, filter: b.pointwiseFilter, bias: b.pointwiseBias }, Object.assign({}, POINTWISE, { activation: pointwiseActivation }));
    ctx.heap.free(h.handle as WasmHandle);
    return y;
  };
  return (inputs, { blocks: attrs, globalAverage, stem: stemAttrs }) => {
    const stem = stemOf(inputs, stemAttrs);
    const blocks = blocksOf(inputs, attrs, stem === null ? inputs.x.shape : [stem.geo.batch, stem.geo.outH, stem.geo.outW, stem.geo.outC]);
    if (blocks.every(fuses) && (stem === null || stemFuses(stem))) return fusedBlocks(ctx, inputs.x, blocks, globalAverage, stem);
    let h = inputs.x;
    if (stem !== null) {
      const { bias: _b, ...conv } = stem.attrs;
      h = conv2D({ x: inputs.x, filter: stem.filter, bias: stem.bias }, conv);
    }
    for (const b of blocks) {
      const y = unfusedBlock(h, b);
      if (h !== inputs.x) ctx.heap.free(h.handle as WasmHandle);
      h = y;
    }
    if (!globalAverage) return h;
    const means = meanOverPixels(h);
    ctx.heap.free(h.handle as WasmHandle);
    return means;
  };
}

/** Descriptor fields per block (wasm/assembly/depthwise-pointwise.ts BLOCK_DESCRIPTOR_BYTES / 4). */
const DESCRIPTOR_FIELDS = 18;

/** Stem descriptor fields (wasm/assembly/depthwise-pointwise.ts STEM_DESCRIPTOR_BYTES / 4). */
const STEM_FIELDS = 17;

/** conv1ForwardStrips's activation code: 1 relu, 2 relu6. */
const STRIPS_RELU: Record<PointwiseStem['activation'], number> = { linear: 0, relu: 1, relu6: 2 };

/** The stem's descriptor (stemImage's fields) in temps; the bytes of its output image and of its padded input image. */
function stemDescriptor(ctx: WasmContext, temps: Temps, s: Stem): { desc: number; outB: number; paddedB: number } {
  const { geo } = s;
  const [pt, pb, pl, pr] = s.attrs.pad;
  const desc = temps.alloc(STEM_FIELDS * 4);
  const fields = [
    geo.inH, geo.inW, geo.inC, geo.kH, geo.kW, geo.strideH, geo.strideW, pt, pb, pl, pr, geo.outH, geo.outW,
    temps.f32(s.filter), s.bias === undefined ? 0 : temps.f32(s.bias), geo.outC, STRIPS_RELU[s.attrs.activation],
  ];
  ctx.heap.i32.set(fields, desc >> 2);
  const padded = (geo.inH + pt + pb) * (geo.inW + pl + pr) * geo.inC * 4;
  return { desc, outB: geo.outH * geo.outW * geo.outC * 4, paddedB: Math.ceil(padded / 64) * 64 };
}

function fusedBlocks(ctx: WasmContext, x: TensorInfo, blocks: readonly Block[], globalAverage: boolean, stem: Stem | null): TensorInfo {
  const last = blocks[blocks.length - 1]!;
  const batch = last.geo.batch;
  const out = ctx.heap.output(globalAverage ? [batch, last.K] : [batch, last.geo.outH, last.geo.outW, last.K]);
  const temps = new Temps(ctx);
  const desc = temps.alloc(blocks.length * DESCRIPTOR_FIELDS * 4);
  let maxB = 0, inner = 0, work = 0;
  blocks.forEach((b, i) => {
    const { geo, K } = b;
    const C = geo.outC;
    // The pointwise weights packed once for every image and thread (gemm.ts's layout).
    const bp = temps.alloc(C * Math.ceil(K / 8) * 8 * 4);
    ctx.call('packBAll', { N: K, K: C, b: temps.f32(b.pointwiseFilter), ldb: K, tb: 0, dst: bp });
    const mean = globalAverage && i === blocks.length - 1 ? F_MEAN_PIXELS : 0;
    const fields = [
      geo.inH, geo.inW, C, geo.kH, geo.kW, geo.strideH, geo.strideW, geo.padTop, geo.padLeft, geo.outH, geo.outW,
      temps.f32(b.filter), b.bias === undefined ? 0 : temps.f32(b.bias), (b.bias === undefined ? 0 : F_BIAS) | epilogueFlags(b.attrs.activation),
      bp, K, b.pointwiseBias === undefined ? 0 : temps.f32(b.pointwiseBias), (b.pointwiseBias === undefined ? 0 : F_BIAS) | epilogueFlags(b.attrs.pointwiseActivation) | mean,
    ];
    ctx.heap.i32.set(fields, (desc >> 2) + i * DESCRIPTOR_FIELDS);
    maxB = Math.max(maxB, geo.outH * geo.outW * K * 4);
    inner = Math.max(inner, ctx.size('depthwisePointwiseWorkspaceBytes', { OH: geo.outH, OW: geo.outW, C, K }));
    work += 2 * geo.rows * C * (geo.kH * geo.kW + K);
  });
  const s = stem === null ? null : stemDescriptor(ctx, temps, stem);
  if (s !== null) {
    maxB = Math.max(maxB, s.outB);
    work += 2 * stem!.geo.rows * stem!.geo.outC * stem!.geo.patch;
  }
  const alignedMax = Math.ceil(maxB / 64) * 64;
  ctx.workspace(2 * alignedMax + (s === null ? 0 : s.paddedB) + inner);
  const xImageB = x.shape[1]! * x.shape[2]! * x.shape[3]! * 4;
  const args = {
    desc, nblocks: blocks.length, x: temps.f32(x), xImageB, y: out.handle.ptr, maxB, n0: 0, n1: 0, ws: 0, stem: s === null ? 0 : s.desc,
  };
  // Split by images [n0, n1).
  ctx.parallel('depthwisePointwiseBlocks', args, { total: batch, grain: ctx.grain(batch, 4), chunk: { n0: [1, 0], n1: [1, 1] }, work, workspace: 'ws' });
  temps.release();
  return out;
}
