/**
 * The output tile of a 3x3 stride-1 Winograd conv: F(4x4, 3x3) (winograd4.ts) unless F(3x3, 3x3) or
 * F(5x5, 3x3) (winograd-m3.ts) cover the wanted outputs with fewer GEMM rows, (m + 2)^2 per tile.
 * The GEMMs are most of a Winograd conv's time and the transforms scale with the same rows, so
 * fewer rows is faster. Small and odd maps are where 4x4 tiles waste work: the seed CNN's conv3
 * (3x3 output: one 5x5 tile, 25 rows an image against 36), and its conv2 at inference, when only
 * the 2x2 pool of its 11x11 output is wanted (10x10: four 7x7 tiles, 196 rows against nine 6x6
 * tiles' 324). cifar-vgg's and resnet8's maps (32, 16, 8) keep F(4x4).
 */
import type { ConvGeometry } from '../../ref/im2col.js';
import type { WasmContext } from '../context.js';
import { winoImageGrain } from './conv-util.js';
import type { Temps } from './inputs.js';

export type WinogradTile = 3 | 4 | 5;

/** GEMM rows per image of F(m x m, 3x3) for an outH x outW output. */
const gemmRows = (m: number, outH: number, outW: number): number => Math.ceil(outH / m) * Math.ceil(outW / m) * (m + 2) ** 2;

/**
 * Another tile replaces F(4x4) only when it saves at least a quarter of the GEMM rows: its larger
 * transforms (F(5x5)) or more tiles' overhead (F(3x3)) eat small savings, and F(4x4)'s float32
 * error is the smallest of the three.
 */
const OTHER_TILE_MAX_ROWS = 0.75;

/**
 * The tile for these outputs: the fewest GEMM rows, F(4x4) unless another saves a quarter. With
 * only the 2x2 pool wanted, the last row and column of an odd output are not computed by F(3x3) /
 * F(5x5). A residual add runs only in F(4x4)'s output transform.
 */
export function winogradTile(geo: ConvGeometry, poolOnly: boolean, residual: boolean): WinogradTile {
  if (residual) return 4;
  const outH = poolOnly ? geo.outH & ~1 : geo.outH, outW = poolOnly ? geo.outW & ~1 : geo.outW;
  const [m, rows] = ([3, 5] as const).map((t) => [t, gemmRows(t, outH, outW)] as const).reduce((a, b) => (b[1] < a[1] ? b : a));
  return rows <= OTHER_TILE_MAX_ROWS * gemmRows(4, geo.outH, geo.outW) ? m : 4;
}

/**
 * Tiles per pass of the F(3x3) / F(5x5) forward: its V and M (49 x (C + K) floats a tile for
 * F(5x5)) stay in L2. The seed CNN's conv2 and conv3 ran the same with 10 to 60 tiles (batch 256, 1 thread).
 */
const M3_CHUNK = 20;

export interface WinogradM3Call {
  geo: ConvGeometry; x: number; w: number; bias: number; y: number; flags: number; pooled: number; poolMode: number;
}

/** Runs F(m x m, 3x3), m = 3 or 5: the filter transform (split by input channels), then the images split by threads. */
export function winogradM3(ctx: WasmContext, temps: Temps, c: WinogradM3Call, m: 3 | 5): void {
  const { geo } = c;
  const C = geo.inC, K = geo.outC;
  const U = temps.alloc(ctx.size('winoM3FilterBytes', { C, K, m }));
  // On the calling thread: ~30 us for conv2 (32 x 64), less than waking a worker on a busy machine
  // (split by channels, the main thread waited ~1.8 ms per prediction for it at load 9).
  const tmp = temps.alloc(48 * (m + 2));
  ctx.call('winoM3Filter', { g: c.w, C, K, m, U, tmp, c0: 0, c1: C });
  ctx.workspace(ctx.size('winoM3WorkspaceBytes', { C, K, m, chunk: M3_CHUNK, OH: geo.outH, OW: geo.outW }));
  const wanted = c.y === 0 ? [geo.outH & ~1, geo.outW & ~1] : [geo.outH, geo.outW];
  const grain = winoImageGrain(ctx, geo.batch, Math.ceil(wanted[0]! / m) * Math.ceil(wanted[1]! / m));
  // Split by images [n0, n1): each output is the same FMA chain whatever the split.
  const args = {
    m, x: c.x, H: geo.inH, W: geo.inW, C, padT: geo.padTop, padL: geo.padLeft, OH: geo.outH, OW: geo.outW, U, K,
    bias: c.bias, y: c.y, flags: c.flags, n0: 0, n1: 0, chunk: M3_CHUNK, ws: 0, pooled: c.pooled, poolMode: c.poolMode,
  };
  ctx.parallel('winoM3Forward', args, {
    total: geo.batch, grain, chunk: { n0: [1, 0], n1: [1, 1] }, work: 2 * geo.rows * K * geo.patch, workspace: 'ws',
  });
}
