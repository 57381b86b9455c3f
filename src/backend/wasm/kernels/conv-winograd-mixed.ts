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

/** The fewest points of any k6 (winograd-mixed.ts's winoMixedSixes picks the same k6). */
function fewestPoints(side: number): number {
  let best = Infinity;
  for (let k6 = Math.ceil(side / 6); k6 >= 0; k6--) best = Math.min(best, points(side, k6));
  return best;
}

/** Mixed tiles run where they need at most this share of F(4x4, 3x3)'s GEMM rows. */
const MIXED_MAX_ROWS = 0.9;

/** Whether a 3x3 stride-1 conv that F(4x4, 3x3) would run goes on mixed tiles (by the geometry alone). */
export function mixedTilesPay(geo: ConvGeometry): boolean {
  const mixed = fewestPoints(geo.outH) * fewestPoints(geo.outW);
  const f4 = 36 * Math.ceil(geo.outH / 4) * Math.ceil(geo.outW / 4);
  return mixed <= MIXED_MAX_ROWS * f4;
}

/** Tiles per pass (of the commonest kind). */
const MIXED_CHUNK = Number(process.env.MIXED_CHUNK ?? 44);

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
  const chunk = MIXED_CHUNK;
  ctx.workspace(ctx.size('winoMixedWorkspaceBytes', { C, K, chunk }));
  const sixes = Math.ceil(geo.outH / 6) * Math.ceil(geo.outW / 6);
  const grain = winoImageGrain(ctx, geo.batch, sixes, chunk);
  // Split by images [n0, n1): each output is one tile's FMA chains whatever the split.
  const args = {
    x: c.x, H: geo.inH, W: geo.inW, C, padT: geo.padTop, padL: geo.padLeft, OH: geo.outH, OW: geo.outW, U, K,
    bias: c.bias, y: c.y, flags: c.flags, n0: 0, n1: 0, chunk, ws: 0, pooled: c.pooled, poolMode: c.poolMode, res: c.res,
  };
  ctx.parallel('winoMixedForward', args, {
    total: geo.batch, grain, chunk: { n0: [1, 0], n1: [1, 1] }, work: 2 * geo.rows * K * geo.patch, workspace: 'ws',
  });
}
