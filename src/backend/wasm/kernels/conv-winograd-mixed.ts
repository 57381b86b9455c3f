/**
 * 3x3 stride-1 convs on mixed output tiles (wasm/assembly/winograd-mixed.ts): along each side as
 * many F(6, 3) tiles (6 outputs, 8 transform points) and F(4, 3) tiles (4 outputs, 6 points) as
 * cover it with the fewest points, so an image's GEMM rows are points(OH) x points(OW). 32 =
 * 6+6+6+6+4+4 gives 1,936 rows against F(4x4, 3x3)'s 2,304, 16 = 6+6+4 484 against 576 (1.19x
 * fewer: cifar-vgg's and resnet8's 32x32 and 16x16 maps); 8 = 4+4 is F(4x4) alone. The GEMMs run
 * at the 128-bit FMA roof, so fewer rows is the saving (wasm DESIGN.md section 48).
 */
import type { ConvGeometry } from '../../ref/im2col.js';
import type { WasmContext } from '../context.js';
import { winoImageGrain } from './conv-util.js';
import type { Temps } from './inputs.js';

/** Transform points covering `side` outputs with k6 6-output tiles, then 4-output ones. */
function points(side: number, k6: number): number {
  return 8 * k6 + 6 * Math.max(0, Math.ceil((side - 6 * k6) / 4));
}

/** 6-output tiles along a side: the fewest points, ties to more 6s (winograd-mixed.ts's winoMixedSixes). */
function sixes(side: number): number {
  let best = 0;
  for (let k6 = Math.ceil(side / 6); k6 >= 0; k6--) if (points(side, k6) < points(side, best)) best = k6;
  return best;
}

const fewestPoints = (side: number): number => points(side, sixes(side));

/** Tiles an image has of its rarest kind (6x6, 6x4, 4x6, 4x4) that it has at all. */
function rarestKindTiles(outH: number, outW: number): number {
  const r6 = sixes(outH), c6 = sixes(outW);
  const r4 = Math.ceil(Math.max(0, outH - 6 * r6) / 4), c4 = Math.ceil(Math.max(0, outW - 6 * c6) / 4);
  return Math.min(...[r6 * c6, r6 * c4, r4 * c6, r4 * c4].filter((t) => t > 0));
}

/**
 * Images per group (each group runs the four kinds one after another): enough for this many tiles
 * of the rarest kind, whose GEMMs otherwise stream U_xi from L2 for a row block or two (batch 256,
 * one thread: 8 ran cifar-vgg's c2 and c3 at 1.05-1.06x of F(4x4), 16 and 32 at 0.93-0.99x).
 */
const KIND_TILES = 8;

/** Mixed tiles run where they need at most this share of F(4x4, 3x3)'s GEMM rows. */
const MIXED_MAX_ROWS = 0.9;

/**
 * Channels where mixed tiles pay and stay accurate: C + K >= 64, or the F(6, 3) transforms (more
 * operations per output than F(4, 3)'s) eat the GEMM saving (resnet8's 32x32 16 -> 16: 0.96-1.04x);
 * C <= 32, or the float32 error of F(6x6, 3x3)'s sums over C (1.1e-5 of the output's largest value
 * at C = 64, section 35) leaves the 1e-5 bound of the Winograd conformance tests.
 */
const mixedChannels = (C: number, K: number): boolean => C + K >= 64 && C <= 32;

/** Whether a 3x3 stride-1 conv that F(4x4, 3x3) would run goes on mixed tiles (by the geometry alone). */
export function mixedTilesPay(geo: ConvGeometry): boolean {
  const mixed = fewestPoints(geo.outH) * fewestPoints(geo.outW);
  const f4 = 36 * Math.ceil(geo.outH / 4) * Math.ceil(geo.outW / 4);
  return mixedChannels(geo.inC, geo.outC) && mixed <= MIXED_MAX_ROWS * f4;
}

/**
 * Tiles per pass: V and M (64 (C + K) floats a 6x6 tile) near 800 KB, in L2 (chunks of 24-44 at
 * 32 + 32 and 32 + 64 channels ran 1.03-1.07x of F(4x4), 88 0.96-1.00x, 132 0.91-0.96x).
 */
const mixedChunk = (C: number, K: number): number => Math.max(8, Math.round(800e3 / (256 * (C + K))));

export interface WinogradMixedCall {
  geo: ConvGeometry; x: number; w: number; bias: number; y: number; flags: number; pooled: number; poolMode: number; res: number;
}

/** Runs the mixed-tile forward: the four kinds' filter transforms, then the images split by threads. */
export function winogradMixed(ctx: WasmContext, temps: Temps, c: WinogradMixedCall): void {
  const { geo } = c;
  const C = geo.inC, K = geo.outC;
  const U = temps.alloc(ctx.size('winoMixedFilterBytes', { C, K }));
  ctx.workspace(384);
  ctx.parallel('winoMixedFilter', { g: c.w, C, K, U, tmp: 0, c0: 0, c1: 0 }, {
    total: C, grain: ctx.grain(C, 2), chunk: { c0: [1, 0], c1: [1, 1] }, work: C * K * 4 * 196, workspace: 'tmp',
  });
  const chunk = mixedChunk(C, K);
  ctx.workspace(ctx.size('winoMixedWorkspaceBytes', { C, K, chunk }));
  const group = Math.max(1, Math.ceil(KIND_TILES / rarestKindTiles(geo.outH, geo.outW)));
  const grain = winoImageGrain(ctx, geo.batch, Math.ceil(geo.outH / 6) * Math.ceil(geo.outW / 6), chunk);
  // Split by images [n0, n1): each output is one tile's FMA chains whatever the split.
  const args = {
    x: c.x, H: geo.inH, W: geo.inW, C, padT: geo.padTop, padL: geo.padLeft, OH: geo.outH, OW: geo.outW, U, K,
    bias: c.bias, y: c.y, flags: c.flags, n0: 0, n1: 0, chunk, group, ws: 0, pooled: c.pooled, poolMode: c.poolMode, res: c.res,
  };
  ctx.parallel('winoMixedForward', args, {
    total: geo.batch, grain, chunk: { n0: [1, 0], n1: [1, 1] }, work: 2 * geo.rows * K * geo.patch, workspace: 'ws',
  });
}
