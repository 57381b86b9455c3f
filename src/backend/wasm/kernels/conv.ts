/**
 * Conv2D. Algorithm by shape (DESIGN.md section 4), all with bias and relu fused:
 * 1. one input channel (first layer), K % 4 == 0: 3x3 stride 1 with an even output height and width:
 *    Winograd F(2x2, 3x3) (conv1Wino2x2, conv1-winograd.ts); other 3x3: conv1Forward3x3; other filters,
 *    stride 1: conv1Direct; 2-3 channels (RGB stems), KW * C % 3 == 0, any stride:
 *    conv1ForwardStrips (direct convolutions; both can pool 2x2 in their epilogue);
 * 2. 3x3 stride 1, C % 4 == 0, K % 8 == 0, at least 9 output pixels: Winograd F(4x4, 3x3);
 *    5x5 stride 1, C % 4 == 0, K % 4 == 0: Winograd F(2x2, 5x5) (both can pool 2x2 per tile);
 *    either as F(3x3, 3x3), F(5x5, 3x3) or F(4x4, 5x5) where those need a quarter fewer GEMM
 *    rows (small maps; conv-winograd-mr.ts), pooling from an image in cache;
 *    3x3 stride 2, C % 4 == 0, K % 8 == 0, C x K <= 256 x 256, at least 16 output pixels:
 *    Winograd F(4x4, 2x2) on the input's four phases (winograd42.ts; padding read as zeros, no
 *    padded copy);
 * 3. 1x1 stride 1 unpadded: one GEMM on x itself; 1x1 strided, C % 4 == 0: a GEMM on blocks of the
 *    pixels it reads, gathered (conv-pointwise-strided.ts);
 * 4. other dilation-1 convs: implicit-im2col GEMM on the padded input;
 * 5. dilated convs: im2col + GEMM;
 * 6. depthwise convs (groups = channels): SIMD over channels (depthwise.ts); other grouped convs:
 *    interim TS (reference lowering over views).
 */
import type { Conv2DAttrs, KernelAttrs, KernelFn, KernelInputs, Pool2DAttrs, TensorInfo } from '../../kernels.js';
import { shapeToString, sizeOf } from '../../../tensor/shape.js';
import { checkedResidual } from '../../ref/Conv2D.js';
import { type ConvGeometry, convGeometry } from '../../ref/im2col.js';
import type { WasmContext } from '../context.js';
import { padded, phaseWinogradFits, WINO_CHUNK, winoFilter, winoFilter25, winoFilter42, wino4ForwardChunk, winoImageGrain } from './conv-util.js';
import { convGroupsTS } from './conv-ts.js';
import { otherWinogradTile, winogradMR } from './conv-winograd-mr.js';
import { pointwiseStrided, pointwiseStridedFits } from './conv-pointwise-strided.js';
import { depthwiseForward, isDepthwise } from './depthwise.js';
import { epilogueFlags, gemm, MR } from './gemm.js';
import { addActivationInPlace, capAt6InPlace } from './elementwise.js';
import { Temps } from './inputs.js';
import type { WasmHandle } from '../heap.js';
import { F_BIAS, F_RELU, F_RELU6, POOL_MAX, POOL_MIN } from '../generated/codes.js';

interface ConvCall {
  geo: ConvGeometry; attrs: Conv2DAttrs;
  x: number; w: number; bias: number; y: number; flags: number;
  /** Where the output's fused 2x2 pool goes (0: none; the direct and Winograd kernels take one, see fusesPool). */
  pooled: number; poolMode: number;
  /** The residual added before the activation, read by the Winograd F(4x4, 3x3) output transform (0: none). */
  res: number;
}

const flopsOf = (g: ConvGeometry): number => 2 * g.rows * g.outC * g.patch;

/** One input channel, stride 1, K % 4 == 0 (any filter size; 3x3 takes direct1x3x3). */
function direct1(ctx: WasmContext, temps: Temps, c: ConvCall): void {
  const { geo } = c;
  const xp = padded(ctx, temps, c.x, geo.batch, geo.inH, geo.inW, 1, c.attrs.pad);
  const args = {
    x: xp.ptr, H: xp.H, W: xp.W, KH: geo.kH, KW: geo.kW, w: c.w, K: geo.outC, bias: c.bias, y: c.y, flags: c.flags,
    r0: 0, rows: 0, pooled: c.pooled, poolMode: c.poolMode, ws: 0,
  };
  // Split by output rows [r0, r0 + rows), or by images when pooling (each pooled row needs its
  // two rows in one call). Pool only (y = 0): each thread's two rows in its workspace.
  if (c.pooled !== 0) {
    const chunk = { r0: [geo.outH, 0], rows: [0, geo.outH] } as const;
    if (c.y === 0) ctx.workspace(2 * geo.outW * geo.outC * 4);
    ctx.parallel('conv1Direct', args, { total: geo.batch, grain: ctx.grain(geo.batch, 4), chunk, work: flopsOf(geo), workspace: c.y === 0 ? 'ws' : undefined });
    return;
  }
  const total = geo.batch * geo.outH;
  ctx.parallel('conv1Direct', args, { total, grain: ctx.grain(total, 4), chunk: { r0: [1, 0], rows: [0, 1] }, work: flopsOf(geo) });
}

/**
 * One input channel, 3x3, any stride, K % 4 == 0: per output row, three 4-channel groups and
 * filter row, the 9 weight vectors stay in registers while the row's pixels stream by. With 2-3
 * input channels (`strips`), a filter row's KW x C taps run as strips of 3 (any KH x KW with
 * KW * C % 3 == 0).
 */
function directRows(ctx: WasmContext, temps: Temps, c: ConvCall, strips: boolean): void {
  const { geo } = c;
  const xp = padded(ctx, temps, c.x, geo.batch, geo.inH, geo.inW, geo.inC, c.attrs.pad);
  const args = {
    x: xp.ptr, H: xp.H, W: xp.W, sy: geo.strideH, sx: geo.strideW, w: c.w, K: geo.outC, bias: c.bias, y: c.y,
    relu: (c.flags & F_RELU6) !== 0 ? 2 : (c.flags & F_RELU) !== 0 ? 1 : 0, r0: 0, rows: 0, pooled: c.pooled, poolMode: c.poolMode, ws: 0,
  };
  // Split by output rows [r0, r0 + rows), or by images when pooling (each pooled row needs its
  // two rows in one call). Pool only (y = 0): each thread's two rows in its workspace.
  const total = c.pooled !== 0 ? geo.batch : geo.batch * geo.outH;
  const chunk = c.pooled !== 0 ? { r0: [geo.outH, 0], rows: [0, geo.outH] } as const : { r0: [1, 0], rows: [0, 1] } as const;
  if (c.y === 0) ctx.workspace(2 * geo.outW * geo.outC * 4);
  const job = { total, grain: ctx.grain(total, 4), chunk, work: flopsOf(geo), workspace: c.y === 0 ? 'ws' as const : undefined };
  // (Object.assign, not a spread with more fields: V8 put such spread copies, which live through the step, in its old generation; wasm DESIGN.md section 25, rss-v8)
  if (strips) ctx.parallel('conv1ForwardStrips', Object.assign({}, args, { C: geo.inC, KH: geo.kH, KW: geo.kW }), job);
  else ctx.parallel('conv1Forward3x3', args, job);
}

/**
 * One input channel, 3x3, stride 1, even output height and width: Winograd F(2x2, 3x3), each tile
 * (a 2x2 pooling window) from registers. Split by tile rows (pairs of output rows), so a fused pool
 * never straddles two calls. Seed CNN conv1 + pool, batch 256, one thread: DESIGN.md section 36
 * (seed-conv1).
 */
function wino1(ctx: WasmContext, temps: Temps, c: ConvCall): void {
  const { geo } = c;
  const xp = padded(ctx, temps, c.x, geo.batch, geo.inH, geo.inW, 1, c.attrs.pad);
  ctx.workspace(ctx.size('conv1Wino2x2WorkspaceBytes', { W: xp.W, K: geo.outC }));
  const args = {
    x: xp.ptr, H: xp.H, W: xp.W, OH: geo.outH, OW: geo.outW, w: c.w, K: geo.outC, bias: c.bias, y: c.y,
    relu: (c.flags & F_RELU6) !== 0 ? 2 : (c.flags & F_RELU) !== 0 ? 1 : 0, r0: 0, rows: 0, pooled: c.pooled, poolMode: c.poolMode, ws: 0,
  };
  const total = geo.batch * (geo.outH >> 1);
  ctx.parallel('conv1Wino2x2', args, { total, grain: ctx.grain(total, 4), chunk: { r0: [1, 0], rows: [0, 1] }, work: flopsOf(geo), workspace: 'ws' });
}

/**
 * Algorithms whose kernels clamp at 6 themselves (F_RELU6). The strips kernel (RGB stems) clamps
 * rows before it pools them: min(., 6) commutes with max/min pooling.
 */
const CAPS_AT_6: ReadonlySet<ConvAlgorithm> = new Set(['depthwise', 'groupsTS', 'pointwise', 'pointwiseStrided', 'implicit', 'im2col', 'directStrips']);

/**
 * Convs with 2 to this many input channels (the stem of an RGB CNN) run the direct strips kernel.
 * cifar-vgg's stem (32x32x3 -> 32, batch 64, 1 thread): implicit GEMM 4.0-4.1 ms, direct 2.3-2.4 ms.
 */
const STRIPS_MAX_CHANNELS = 3;

type ConvAlgorithm =
  'depthwise' | 'groupsTS' | 'wino1' | 'direct1x3x3' | 'directStrips' | 'direct1' | 'winograd' | 'winograd25' | 'winogradStride2' | 'pointwise' | 'pointwiseStrided' | 'implicit' | 'im2col';

/** Whether Conv2D runs this geometry on conv1ForwardStrips (an RGB stem), which Conv2DPointwise may run per image. */
export function runsDirectStrips(geo: ConvGeometry): boolean {
  return convAlgorithm(geo) === 'directStrips';
}

/** The algorithm Conv2D runs for this geometry (the order of the list at the top of this file). */
function convAlgorithm(geo: ConvGeometry): ConvAlgorithm {
  const d1 = geo.dilH === 1 && geo.dilW === 1;
  const s1 = geo.strideH === 1 && geo.strideW === 1;
  if (isDepthwise(geo)) return 'depthwise';
  if (geo.groups > 1) return 'groupsTS';
  if (d1 && s1 && geo.inC === 1 && geo.kH === 3 && geo.kW === 3 && geo.outC % 4 === 0 && geo.outH % 2 === 0 && geo.outW % 2 === 0) return 'wino1';
  if (d1 && geo.inC === 1 && geo.kH === 3 && geo.kW === 3 && geo.outC % 4 === 0) return 'direct1x3x3';
  if (d1 && geo.inC >= 2 && geo.inC <= STRIPS_MAX_CHANNELS && (geo.kW * geo.inC) % 3 === 0 && geo.kH * geo.kW > 1 && geo.outC % 4 === 0) return 'directStrips';
  if (d1 && s1 && geo.inC === 1 && geo.outC % 4 === 0) return 'direct1';
  if (d1 && s1 && geo.kH === 3 && geo.kW === 3 && geo.inC % 4 === 0 && geo.outC % 8 === 0 && geo.outH * geo.outW >= WINO_MIN_PIXELS) return 'winograd';
  if (d1 && s1 && geo.kH === 5 && geo.kW === 5 && geo.inC % 4 === 0 && geo.outC % 4 === 0 && geo.outH * geo.outW >= WINO25_MIN_PIXELS) return 'winograd25';
  if (phaseWinogradFits(geo) && geo.inC % 4 === 0 && geo.outC % 8 === 0) return 'winogradStride2';
  if (geo.pointwise) return 'pointwise';
  if (pointwiseStridedFits(geo)) return 'pointwiseStrided';
  return d1 ? 'implicit' : 'im2col';
}

/**
 * Algorithms whose kernels, given y = 0, write only the fused pool (Conv2DPool's `poolOnly`):
 * each output row pair or tile stays in a per-thread scratch in L1. The others write y to a
 * scratch block that is dropped after the call.
 */
const POOLS_WITHOUT_Y: ReadonlySet<ConvAlgorithm> = new Set(['wino1', 'direct1x3x3', 'directStrips', 'direct1', 'winograd', 'winograd25']);

/**
 * Does the conv's own output pass take this pool? Plain 2x2 max/min, on the first layer's direct
 * kernels (even output height: they pool row pairs) or the Winograd one (4x4 tiles hold whole windows).
 */
function fusesPool(geo: ConvGeometry, pool: Pool2DAttrs): boolean {
  const plain = pool.poolSize.every((k) => k === 2) && pool.strides.every((s) => s === 2) && pool.pad.every((p) => p === 0);
  if (!plain || (pool.mode !== 'max' && pool.mode !== 'min')) return false;
  const algorithm = convAlgorithm(geo);
  return ((algorithm === 'direct1x3x3' || algorithm === 'directStrips' || algorithm === 'direct1') && geo.outH % 2 === 0) || algorithm === 'wino1' || algorithm === 'winograd' || algorithm === 'winograd25';
}

/**
 * Winograd F(4x4, 3x3) from this many output pixels per image (the output is cut into 4x4 tiles).
 * conv3 of the seed CNN (5x5 -> 3x3, 64 -> 64 channels, one tile per image) measured, best of 30,
 * 1 thread: batch 256 4.5-5.9 ms vs implicit GEMM 8.3-9.1 ms; 2 threads 2.9-3.4 vs 4.4 ms.
 */
const WINO_MIN_PIXELS = 9;

/** Winograd F(2x2, 5x5) from one whole 2x2 tile of output per image (smaller outputs: implicit GEMM; not tuned). */
const WINO25_MIN_PIXELS = 4;

/**
 * A stride-2 3x3 conv as Winograd F(4x4, 2x2) over the space-to-depth input (winograd42.ts): the
 * kernel reads x in place (inside tiles) or gathers the tile (edges), so the padding costs no copy.
 */
function winogradStride2(ctx: WasmContext, temps: Temps, c: ConvCall): void {
  const { geo } = c;
  const C = geo.inC, K = geo.outC;
  const U = winoFilter42(ctx, temps, c.w, C, K);
  ctx.workspace(ctx.size('wino42WorkspaceBytes', { C, K, chunk: WINO_CHUNK }));
  // Split by images [n0, n1).
  const args = {
    x: c.x, H: geo.inH, W: geo.inW, C, padT: geo.padTop, padL: geo.padLeft, U, K, OH: geo.outH, OW: geo.outW,
    bias: c.bias, y: c.y, flags: c.flags, n0: 0, n1: 0, chunk: WINO_CHUNK, ws: 0,
  };
  const grain = winoImageGrain(ctx, geo.batch, Math.ceil(geo.outH / 4) * Math.ceil(geo.outW / 4));
  ctx.parallel('wino42Forward', args, { total: geo.batch, grain, chunk: { n0: [1, 0], n1: [1, 1] }, work: flopsOf(geo), workspace: 'ws' });
}

/** The two Winograd forwards, F(4x4, 3x3) and F(2x2, 5x5): the same driver, their own transforms and output tile. */
const WINOGRAD_FORWARDS = {
  winograd: { tile: 4, filter: winoFilter, workspace: 'wino4WorkspaceBytes', kernel: 'wino4Forward' },
  winograd25: { tile: 2, filter: winoFilter25, workspace: 'wino25WorkspaceBytes', kernel: 'wino25Forward' },
} as const;

function winograd(ctx: WasmContext, temps: Temps, c: ConvCall, variant: keyof typeof WINOGRAD_FORWARDS): void {
  const { tile, filter, workspace, kernel } = WINOGRAD_FORWARDS[variant];
  const { geo } = c;
  const C = geo.inC, K = geo.outC;
  const U = filter(ctx, temps, c.w, C, K);
  const chunk = kernel === 'wino4Forward' ? wino4ForwardChunk(C, K) : WINO_CHUNK;
  ctx.workspace(ctx.size(workspace, { C, K, chunk }));
  const grain = winoImageGrain(ctx, geo.batch, Math.ceil(geo.outH / tile) * Math.ceil(geo.outW / tile), chunk);
  const job = { total: geo.batch, grain, chunk: { n0: [1, 0], n1: [1, 1] }, work: flopsOf(geo), workspace: 'ws' } as const;
  // Split by images [n0, n1). Object.assign rather than spread copies with more fields: V8 put such
  // copies, which live through the step, in its old generation (wasm DESIGN.md section 25, rss-v8).
  const common = { C, U, K, bias: c.bias, y: c.y, flags: c.flags, n0: 0, n1: 0, chunk, ws: 0, pooled: c.pooled, poolMode: c.poolMode };
  if (kernel === 'wino4Forward') {
    // F(4x4, 3x3) reads the padding in place (edge tiles gather their window with zeros).
    const geometry = { x: c.x, H: geo.inH, W: geo.inW, padT: geo.padTop, padL: geo.padLeft, OH: geo.outH, OW: geo.outW, res: c.res };
    ctx.parallel(kernel, Object.assign(common, geometry), job);
  } else {
    const xp = padded(ctx, temps, c.x, geo.batch, geo.inH, geo.inW, C, c.attrs.pad);
    ctx.parallel(kernel, Object.assign(common, { x: xp.ptr, H: xp.H, W: xp.W }), job);
  }
}

function implicit(ctx: WasmContext, temps: Temps, c: ConvCall): void {
  const { geo } = c;
  const C = geo.inC, K = geo.outC, KK = geo.patch;
  const bp = temps.alloc(Math.ceil(K / 8) * 8 * KK * 4);
  ctx.call('packB', { cols: K, kc: KK, b: c.w, ldb: K, tb: 0, dst: bp });
  const xp = padded(ctx, temps, c.x, geo.batch, geo.inH, geo.inW, C, c.attrs.pad);
  ctx.workspace(1024);
  // Split by output pixels [p0, p0 + count).
  const args = {
    mr: MR, x: xp.ptr, H: xp.H, W: xp.W, C, KH: geo.kH, KW: geo.kW, sy: geo.strideH, sx: geo.strideW, OH: geo.outH, OW: geo.outW,
    p0: 0, count: 0, bp, K, bias: c.bias, y: c.y, flags: c.flags, ws: 0,
  };
  ctx.parallel('convImplicit', args, {
    total: geo.rows, grain: ctx.grain(geo.rows, 4, MR * 4), chunk: { p0: [1, 0], count: [0, 1] }, work: flopsOf(geo), workspace: 'ws',
  });
}

/** Patch rows per im2col block: bounds the scratch to ~8 MB. */
const COLS_FLOATS = 1 << 21;

function im2colGemm(ctx: WasmContext, temps: Temps, c: ConvCall): void {
  const { geo } = c;
  const KK = geo.patch, K = geo.outC;
  const step = Math.max(MR, Math.floor(COLS_FLOATS / KK));
  const cols = temps.alloc(Math.min(step, geo.rows) * KK * 4);
  for (let p0 = 0; p0 < geo.rows; p0 += step) {
    const count = Math.min(step, geo.rows - p0);
    im2colRows(ctx, c.x, geo, p0, count, cols);
    gemm(ctx, { M: count, N: K, K: KK, a: cols, lda: KK, ta: false, b: c.w, ldb: K, tb: false, c: c.y + p0 * K * 4, ldc: K, flags: c.flags, bias: c.bias });
  }
}

/** cols[0 : count, KK] = patch rows [p0, p0 + count) of x (any stride, padding, dilation). */
export function im2colRows(ctx: WasmContext, x: number, geo: ConvGeometry, p0: number, count: number, cols: number): void {
  const args = {
    x, H: geo.inH, W: geo.inW, C: geo.inC, KH: geo.kH, KW: geo.kW, sy: geo.strideH, sx: geo.strideW, dy: geo.dilH, dx: geo.dilW,
    padT: geo.padTop, padL: geo.padLeft, OH: geo.outH, OW: geo.outW, p0, count: 0, cols,
  };
  ctx.parallel('im2col', args, {
    total: count, grain: ctx.grain(count, 2, 16), chunk: { p0: [1, 0], count: [0, 1], cols: [geo.patch * 4, 0] }, work: count * geo.patch,
  });
}

function checkedBias(bias: TensorInfo | undefined, outC: number, filter: TensorInfo): TensorInfo | undefined {
  if (bias !== undefined && (bias.shape.length !== 1 || bias.shape[0] !== outC)) {
    throw new Error(`Conv2D: expected bias of shape [${outC}] for filter ${shapeToString(filter.shape)}, got ${shapeToString(bias.shape)}`);
  }
  return bias;
}

export function makeConv2D(ctx: WasmContext): KernelFn<'Conv2D'> {
  return (inputs, attrs) => {
    const geo = convGeometry('Conv2D', inputs.x.shape, inputs.filter.shape, attrs);
    return conv2D(ctx, inputs, attrs, geo, null)!;
  };
}

/**
 * Conv2D then Pool2D. The first layer's direct kernel pools each pair of output rows in L1, the
 * Winograd kernel each output tile as it writes it; other convs run the two kernels. A `crop`
 * (pool only) runs in the kernel where it computes fewer rows (croppedGeometry); elsewhere the
 * whole pooled map is computed and its top-left copied.
 */
export function makeConv2DPool(ctx: WasmContext, pool2D: KernelFn<'Pool2D'>, slice: KernelFn<'Slice'>): KernelFn<'Conv2DPool'> {
  return (inputs, { crop, ...attrs }) => {
    const full = convGeometry('Conv2DPool', inputs.x.shape, inputs.filter.shape, attrs);
    if (crop === undefined) return convPool(ctx, pool2D, inputs, attrs, full);
    if (attrs.poolOnly !== true) throw new Error('Conv2DPool: crop needs poolOnly (the gradient reads all of y)');
    const geo = croppedGeometry(full, attrs.pool, crop);
    if (geo !== null) return convPool(ctx, pool2D, inputs, attrs, geo);
    const [pooled] = convPool(ctx, pool2D, inputs, attrs, full) as [TensorInfo & { handle: WasmHandle }];
    const [n, h, w, k] = pooled.shape as [number, number, number, number];
    if (crop[0] >= h && crop[1] >= w) return [pooled];
    const out = slice({ x: pooled }, { begin: [0, 0, 0, 0], size: [n, Math.min(crop[0], h), Math.min(crop[1], w), k] });
    ctx.heap.free(pooled.handle);
    return [out];
  };
}

/**
 * The geometry of the top-left outputs that a 2x2-pooled crop of rows x cols reads, where the
 * conv's kernel can compute those alone (conv1Wino2x2: every output is the same function of its
 * tile, so the values are the uncropped ones bit for bit); null elsewhere.
 */
function croppedGeometry(geo: ConvGeometry, pool: Pool2DAttrs, [rows, cols]: [number, number]): ConvGeometry | null {
  if (convAlgorithm(geo) !== 'wino1' || !fusesPool(geo, pool)) return null;
  const outH = 2 * Math.min(rows, geo.outH >> 1), outW = 2 * Math.min(cols, geo.outW >> 1);
  return Object.assign({}, geo, { outH, outW, rows: geo.batch * outH * outW });
}

/** [y, pooled] (or [pooled]) of the conv's outputs that `geo` describes (all, or a cropped top-left). */
function convPool(
  ctx: WasmContext, pool2D: KernelFn<'Pool2D'>, inputs: KernelInputs<'Conv2DPool'>,
  { pool, poolOnly, ...attrs }: Omit<KernelAttrs<'Conv2DPool'>, 'crop'>, geo: ConvGeometry,
): TensorInfo[] {
  if (!fusesPool(geo, pool)) {
    const y = conv2D(ctx, inputs, attrs, geo, null) as TensorInfo & { handle: WasmHandle };
    const pooled = pool2D({ x: y }, pool);
    if (poolOnly !== true) return [y, pooled];
    ctx.heap.free(y.handle);
    return [pooled];
  }
  const pooled = ctx.heap.output([geo.batch, Math.floor(geo.outH / 2), Math.floor(geo.outW / 2), geo.outC]);
  const y = conv2D(ctx, inputs, attrs, geo, { ptr: pooled.handle.ptr, mode: pool.mode === 'min' ? POOL_MIN : POOL_MAX, only: poolOnly === true });
  return y === null ? [pooled] : [y, pooled];
}

/**
 * Conv2D's output y; null when a fused pool is all that is wanted (`only`): then the kernels that
 * can write the pool alone get y = 0, the others a scratch y dropped after the call.
 */
function conv2D(
  ctx: WasmContext, { x, filter, bias, residual }: KernelInputs<'Conv2D'>, attrs: KernelAttrs<'Conv2D'>, geo: ConvGeometry,
  pool: { ptr: number; mode: number; only: boolean } | null,
): TensorInfo | null {
  checkedBias(bias, geo.outC, filter);
  const outShape = [geo.batch, geo.outH, geo.outW, geo.outC];
  const outSize = sizeOf(outShape);
  const algorithm = convAlgorithm(geo);
  const temps = new Temps(ctx);
  const out = pool?.only === true ? null : ctx.heap.output(outShape);
  const y = out !== null ? out.handle.ptr : POOLS_WITHOUT_Y.has(algorithm) ? 0 : temps.alloc(outSize * 4);
  // A residual goes into the Winograd F(4x4, 3x3) output transform (before its relu); the other
  // kernels write conv + bias and one in-place pass adds it and applies the activation.
  const res = residual === undefined ? 0 : temps.f32(checkedResidual(residual, outShape));
  // Winograd convs that another tile covers with fewer GEMM rows (its kernel takes no residual).
  const other = algorithm === 'winograd' || algorithm === 'winograd25' ? otherWinogradTile(geo, y === 0) : null;
  const resAfter = res !== 0 && (algorithm !== 'winograd' || pool !== null || other !== null);
  const activation = resAfter ? 'linear' : attrs.activation;
  // relu6 runs in the GEMM micro-kernels' and the depthwise kernel's epilogue; the others apply a
  // relu and the clamp at 6 follows (min(., 6) commutes with their fused max/min pooling).
  const capAfter = activation === 'relu6' && !CAPS_AT_6.has(algorithm);
  const c: ConvCall = {
    geo, attrs, x: temps.f32(x), w: temps.f32(filter), bias: bias === undefined ? 0 : temps.f32(bias),
    y, flags: (bias !== undefined ? F_BIAS : 0) | (capAfter ? F_RELU : epilogueFlags(activation)),
    pooled: pool?.ptr ?? 0, poolMode: pool?.mode ?? POOL_MAX, res: resAfter ? 0 : res,
  };
  switch (algorithm) {
    case 'groupsTS': {
      const v = (p: number, n: number) => ctx.heap.f32.subarray(p >> 2, (p >> 2) + n);
      const b = bias === undefined ? null : v(c.bias, geo.outC);
      convGroupsTS(v(c.x, sizeOf(x.shape)), v(c.w, sizeOf(filter.shape)), b, activation, v(c.y, outSize), geo);
      break;
    }
    case 'depthwise': depthwiseForward(ctx, geo, c.x, c.w, c.bias, c.y, c.flags); break;
    case 'wino1': wino1(ctx, temps, c); break;
    case 'direct1x3x3': directRows(ctx, temps, c, false); break;
    case 'directStrips': directRows(ctx, temps, c, true); break;
    case 'direct1': direct1(ctx, temps, c); break;
    case 'winograd':
    case 'winograd25': {
      if (other === null) winograd(ctx, temps, c, algorithm);
      else winogradMR(ctx, temps, c, other);
      break;
    }
    case 'winogradStride2': winogradStride2(ctx, temps, c); break;
    case 'pointwise':
      gemm(ctx, { M: geo.rows, N: geo.outC, K: geo.inC, a: c.x, lda: geo.inC, ta: false, b: c.w, ldb: geo.outC, tb: false, c: c.y, ldc: geo.outC, flags: c.flags, bias: c.bias });
      break;
    case 'pointwiseStrided': pointwiseStrided(ctx, temps, geo, c.x, c.w, c.bias, c.y, c.flags); break;
    case 'implicit': implicit(ctx, temps, c); break;
    case 'im2col': im2colGemm(ctx, temps, c); break;
  }
  if (capAfter) {
    if (c.y !== 0) capAt6InPlace(ctx, c.y, outSize);
    if (pool !== null) capAt6InPlace(ctx, pool.ptr, geo.batch * Math.floor(geo.outH / 2) * Math.floor(geo.outW / 2) * geo.outC);
  }
  if (resAfter) addActivationInPlace(ctx, c.y, res, outSize, attrs.activation);
  temps.release();
  return out;
}
