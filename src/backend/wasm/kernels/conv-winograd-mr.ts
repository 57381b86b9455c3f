/**
 * The output tile of a stride-1 Winograd conv. 3x3 filters run F(4x4, 3x3) (winograd4.ts) and 5x5
 * ones F(2x2, 5x5) (winograd25.ts) unless F(3x3, 3x3) or F(5x5, 3x3), or F(4x4, 5x5), cover the
 * wanted outputs with at least a quarter fewer GEMM rows ((m + r - 1)^2 per m x m tile;
 * winograd-mr.ts). The GEMMs are most of a Winograd conv's time and the transforms scale with the
 * same rows, so fewer rows is faster. Small and odd maps are where the usual tiles waste work:
 * the seed CNN's conv3 (3x3 output: one 5x5 tile, 25 rows an image against 36), its conv2 at
 * inference, when only the 2x2 pool of its 11x11 output is wanted (10x10: four 7x7 tiles, 196
 * rows against nine 6x6 tiles' 324), LeNet-5's conv2 (8x8: four 8x8 tiles, 256 rows against
 * sixteen 6x6 tiles' 576). cifar-vgg's and resnet8's maps (32, 16, 8) keep F(4x4, 3x3).
 */
import type { ConvGeometry } from '../../ref/im2col.js';
import type { WasmContext } from '../context.js';
import { winoImageGrain } from './conv-util.js';
import type { Temps } from './inputs.js';

/** F(m x m, r x r). */
export interface WinogradTile { m: number; r: number }

/** The usual tile per filter size, and the others winograd-mr.ts has. */
const USUAL: Record<number, number> = { 3: 4, 5: 2 };
const OTHERS: Record<number, readonly number[]> = { 3: [3, 5], 5: [4] };

/**
 * Another tile replaces the usual one only when it saves at least a quarter of the GEMM rows: its
 * larger transforms (F(5x5, 3x3)) or more tiles' overhead (F(3x3, 3x3)) eat small savings, and the
 * usual tiles' float32 errors are the smallest.
 */
const OTHER_TILE_MAX_ROWS = 0.75;

/** GEMM rows per image of F(m x m, r x r) for an outH x outW output. */
const gemmRows = (m: number, r: number, outH: number, outW: number): number => Math.ceil(outH / m) * Math.ceil(outW / m) * (m + r - 1) ** 2;

/**
 * The tile winograd-mr.ts runs for this 3x3 or 5x5 conv, or null for the usual kernel. With only
 * the 2x2 pool wanted the last row and column of an odd output are not computed there. By the
 * geometry alone, so a conv with a residual add (applied after the kernel) runs the same tile as
 * the conv it fuses, and equals the unfused chain bit for bit.
 */
export function otherWinogradTile(geo: ConvGeometry, poolOnly: boolean): WinogradTile | null {
  const r = geo.kH;
  if (USUAL[r] === undefined) return null;
  const outH = poolOnly ? geo.outH & ~1 : geo.outH, outW = poolOnly ? geo.outW & ~1 : geo.outW;
  const [m, rows] = OTHERS[r]!.map((t) => [t, gemmRows(t, r, outH, outW)] as const).reduce((a, b) => (b[1] < a[1] ? b : a));
  return rows <= OTHER_TILE_MAX_ROWS * gemmRows(USUAL[r]!, r, geo.outH, geo.outW) ? { m, r } : null;
}

/**
 * Tiles per pass: V and M (49 x (C + K) floats a tile for F(5x5, 3x3)) stay in L2. The seed CNN's
 * conv2 and conv3 ran the same with 10 to 60 tiles (batch 256, 1 thread).
 */
const MR_CHUNK = 20;

export interface WinogradMRCall {
  geo: ConvGeometry; x: number; w: number; bias: number; y: number; flags: number; pooled: number; poolMode: number;
}

/** Runs F(m x m, r x r): the filter transform, then the images split by threads. */
export function winogradMR(ctx: WasmContext, temps: Temps, c: WinogradMRCall, { m, r }: WinogradTile): void {
  const { geo } = c;
  const C = geo.inC, K = geo.outC;
  const U = temps.alloc(ctx.size('winoMRFilterBytes', { C, K, m, r }));
  ctx.workspace(16 * (m + r - 1) * r);
  ctx.parallel('winoMRFilter', { g: c.w, C, K, m, r, U, tmp: 0, c0: 0, c1: 0 }, {
    total: C, grain: ctx.grain(C, 2), chunk: { c0: [1, 0], c1: [1, 1] }, work: C * K * 4 * (m + r - 1) ** 2, workspace: 'tmp',
  });
  ctx.workspace(ctx.size('winoMRWorkspaceBytes', { C, K, m, r, chunk: MR_CHUNK, OH: geo.outH, OW: geo.outW }));
  const wanted = c.y === 0 ? [geo.outH & ~1, geo.outW & ~1] : [geo.outH, geo.outW];
  const grain = winoImageGrain(ctx, geo.batch, Math.ceil(wanted[0]! / m) * Math.ceil(wanted[1]! / m), MR_CHUNK);
  // Split by images [n0, n1): each output is the same FMA chain whatever the split.
  const args = {
    m, r, x: c.x, H: geo.inH, W: geo.inW, C, padT: geo.padTop, padL: geo.padLeft, OH: geo.outH, OW: geo.outW, U, K,
    bias: c.bias, y: c.y, flags: c.flags, n0: 0, n1: 0, chunk: MR_CHUNK, ws: 0, pooled: c.pooled, poolMode: c.poolMode,
  };
  ctx.parallel('winoMRForward', args, {
    total: geo.batch, grain, chunk: { n0: [1, 0], n1: [1, 1] }, work: 2 * geo.rows * K * geo.patch, workspace: 'ws',
  });
}
