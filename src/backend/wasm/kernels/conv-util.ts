/** Shared pieces of the wasm conv kernels: zero padding and the Winograd tile-chunk size. */
import type { ConvGeometry } from '../../ref/im2col.js';
import type { WasmContext } from '../context.js';
import type { Temps } from './inputs.js';

/**
 * Tiles per Winograd pass: V and M of a chunk stay in L2. A multiple of the GEMMs' four tile rows
 * (WG_ROWS, wasm/assembly/winograd-gemm.ts; the kernels pad a chunk's tile rows to it), and not of
 * 16: with 48 tiles the per-component strides of V and M were multiples of 4 KB (48 x 64 floats =
 * 3 x 4 KB), so a tile's 36 transformed values all fell in the same L1 sets; 45 (5 images of
 * conv2's 9 tiles) ran conv2's filter gradient 15-20% faster. 44 since the rows come in fours.
 */
export const WINO_CHUNK = 44;

/**
 * Tiles per pass of the F(4x4, 3x3) forward: three chunks when a tile's rows of V and M are short
 * (C + K <= 64 channels: 132 tiles are 405 KB of V and M at 16 + 16, 811 KB at 32 + 32, in L2).
 * Since the passes touch the next chunk's input ahead (wasm/assembly/touch-ahead.ts), longer passes
 * ran resnet8's 16- and 32-channel convs and cifar-vgg's 32x32 32 -> 32 1.05-1.10x faster (one
 * thread, batch 256; 88 and 176 tiles were between); at 64 + 64 and above, and for the phase
 * Winograd, 132 gained nothing or lost (0.94-1.02x). Branch res-infer2.
 */
export function wino4ForwardChunk(C: number, K: number): number {
  return C + K <= 64 ? 3 * WINO_CHUNK : WINO_CHUNK;
}

/**
 * Images per claim of a Winograd pass split by images: enough to fill the kernel's tile chunk
 * (`chunk` tiles; each call streams all of U once per chunk), but no more than an even share per
 * thread. Filling the chunk
 * alone gave conv3 of the seed CNN (one tile per image, batch 64) claims of 48 and 16 images, so
 * one thread did three quarters of the work.
 */
export function winoImageGrain(ctx: WasmContext, batch: number, tilesPerImage: number, chunk = WINO_CHUNK): number {
  const fill = Math.ceil(chunk / tilesPerImage);
  const grain = Math.max(1, Math.min(batch, Math.max(ctx.grain(batch, 4), fill), Math.ceil(batch / ctx.threads)));
  return evenClaims(batch, grain, ctx.threads);
}

/**
 * The grain within a quarter of `grain` whose claims give the busiest thread the fewest images,
 * if that saves it a third of a claim or more (ties: the grain nearest `grain`, then the coarser);
 * else `grain` (a finer claim fills less of a tile chunk). Near the fill, claims are few, so where
 * the last one falls decides the split: resnet8's 16x16 32 -> 32 forward claimed 9 images of 64,
 * 8 claims of which the last held one image, so one thread ran 36 images and the other 28; 8
 * images split them 32 + 32 (bench/ab-wait-kernels.mjs).
 */
export function evenClaims(batch: number, grain: number, threads: number): number {
  const worst = busiestThread(batch, grain, threads);
  let best = grain, bestLoad = worst;
  const lo = Math.max(1, Math.floor(grain * 3 / 4)), hi = Math.min(batch, Math.ceil(grain * 5 / 4));
  for (let g = lo; g <= hi; g++) {
    const load = busiestThread(batch, g, threads);
    if (3 * (worst - load) < grain) continue;
    const nearer = Math.abs(g - grain) < Math.abs(best - grain) || (Math.abs(g - grain) === Math.abs(best - grain) && g > best);
    if (load < bestLoad || (load === bestLoad && nearer)) [best, bestLoad] = [g, load];
  }
  return best;
}

/**
 * Images of the busiest thread when equally fast threads claim as pool.ts does: the next claim
 * (max(1, floor(g / (2 threads))) of the g grains left) goes to the thread that is free first.
 */
function busiestThread(batch: number, grain: number, threads: number): number {
  const load = new Array<number>(threads).fill(0);
  for (let left = batch; left > 0;) {
    const size = Math.min(left, grain * Math.max(1, Math.floor(Math.ceil(left / grain) / (2 * threads))));
    load[load.indexOf(Math.min(...load))]! += size;
    left -= size;
  }
  return Math.max(...load);
}

export interface Padded { ptr: number; H: number; W: number }

/** x [N, H, W, C] zero-padded by pad [top, bottom, left, right] (x itself when there is none). */
export function padded(ctx: WasmContext, temps: Temps, x: number, N: number, H: number, W: number, C: number, pad: readonly number[]): Padded {
  const [pt, pb, pl, pr] = pad as [number, number, number, number];
  if (pt + pb + pl + pr === 0) return { ptr: x, H, W };
  const PH = H + pt + pb, PW = W + pl + pr;
  const y = temps.alloc(N * PH * PW * C * 4);
  // Split by images: each chunk moves x and y to its first image and pads N = its length of them.
  ctx.parallel('padNHWC', { x, N: 0, H, W, C, pt, pb, pl, pr, y }, {
    total: N, grain: ctx.grain(N, 2), chunk: { x: [H * W * C * 4, 0], N: [0, 1], y: [PH * PW * C * 4, 0] }, work: N * PH * PW * C,
  });
  return { ptr: y, H: PH, W: PW };
}

/** U = Winograd F(4x4, 3x3) transform of the HWIO filter w (C in, K out), split by input channels. */
export function winoFilter(ctx: WasmContext, temps: Temps, w: number, C: number, K: number): number {
  const U = temps.alloc(ctx.size('wino4FilterBytes', { C, K }));
  ctx.workspace(ctx.size('wino4FilterTmpBytes', {}));
  ctx.parallel('wino4Filter', { g: w, C, K, U, tmp: 0, c0: 0, c1: 0 }, {
    total: C, grain: ctx.grain(C, 2), chunk: { c0: [1, 0], c1: [1, 1] }, work: C * K * 75, workspace: 'tmp',
  });
  return U;
}

/** U = Winograd F(2x2, 5x5) transform of the HWIO 5x5 filter w (C in, K out), split by input channels. */
export function winoFilter25(ctx: WasmContext, temps: Temps, w: number, C: number, K: number): number {
  const U = temps.alloc(ctx.size('wino4FilterBytes', { C, K }));
  ctx.workspace(512);
  ctx.parallel('wino25Filter', { g: w, C, K, U, tmp: 0, c0: 0, c1: 0 }, {
    total: C, grain: ctx.grain(C, 2), chunk: { c0: [1, 0], c1: [1, 1] }, work: C * K * 400, workspace: 'tmp',
  });
  return U;
}

/**
 * Filter sizes (C x K) up to which stride-2 3x3 convs run the phase Winograd: its U holds 100 C K
 * floats, 11 times the filter (256 x 256: 26 MB of scratch per call). Measured on resnet8's
 * shapes (C x K up to 32 x 64); larger ones are left to the implicit GEMM until measured.
 */
const PHASE_WINOGRAD_MAX_FILTER = 256 * 256;

/**
 * Whether a conv can run as the phase Winograd F(4x4, 2x2) of winograd42*.ts (each kernel adds its
 * own channel conditions): 3x3, stride 2, no dilation or groups, at least one whole 4x4 output tile.
 */
export function phaseWinogradFits(g: ConvGeometry): boolean {
  return g.kH === 3 && g.kW === 3 && g.strideH === 2 && g.strideW === 2 && g.dilH === 1 && g.dilW === 1 && g.groups === 1 &&
    g.outH * g.outW >= 16 && g.inC * g.outC <= PHASE_WINOGRAD_MAX_FILTER;
}

/**
 * U = Winograd F(4x4, 2x2) transform of the four phases of the HWIO 3x3 filter w of a stride-2
 * conv (winograd42.ts), split by input channels; `transposed` packs it for the input gradient.
 */
export function winoFilter42(ctx: WasmContext, temps: Temps, w: number, C: number, K: number, transposed = false): number {
  const U = temps.alloc(ctx.size('wino42FilterBytes', { C, K }));
  ctx.workspace(2048);
  ctx.parallel('wino42Filter', { g: w, C, K, U, transposed: transposed ? 1 : 0, tmp: 0, c0: 0, c1: 0 }, {
    total: C, grain: ctx.grain(C, 2), chunk: { c0: [1, 0], c1: [1, 1] }, work: C * K * 4 * 150, workspace: 'tmp',
  });
  return U;
}
