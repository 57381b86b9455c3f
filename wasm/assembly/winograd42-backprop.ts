// Both gradients of a stride-2 3x3 conv in one pass over its tiles (the phase Winograd of
// winograd42.ts): the input gradient's adjoint (winograd42-input-grad.ts) and the filter
// gradient's partial (winograd42-filter-grad.ts) each transform every dy tile to A dy A^T, the
// same 25 components; here each tile is transformed once and read by both GEMMs, and dy is read
// once. Per chunk of tiles: V = the x tiles' transform, G = the dy tiles' (rows: the adjoint's GEMM
// reads them as A, the filter gradient's in place as B), then the filter gradient's GEMMs into the
// part's dU partial, then the adjoint's GEMMs (into V's space: V is read by then) and scatter into dx.
// The same tiles, chunks and orders as the two separate kernels, so the same bits for dx and dU.
import { f } from './simd';
import { transformTile } from './winograd42';
import { dyTile5, inputGradGemms, scatterChunk } from './winograd42-input-grad';
import { filterGradGemms } from './winograd42-filter-grad';

/** Workspace bytes for wino42BackpropPart with `chunk` tiles per pass. */
export function wino42BackpropWorkspaceBytes(C: i32, K: i32, chunk: i32): i32 {
  return 25 * chunk * (4 * C + K) * 4 + 100 * C * 4 + 25 * 16 * 2 + 256;
}

/**
 * One fixed part (images [part * perPart, min(N, (part + 1) * perPart))) of both gradients of a
 * 3x3 stride-2 conv (padding padT above, padL left) of x [N, H, W, C] that gave dy [N, OH, OW, K]:
 * its images of dx (overwritten; + acc when acc != 0, acc of dx's shape), as wino42BackpropInput
 * writes them from Ut (wino42Filter, transposed), and its dU partial at dUs + part * partStride
 * (overwritten), as wino42BackpropFilterPart writes it, for wino42FilterGradFinish. C % 4 == 0,
 * K % 4 == 0; mr: the adjoint's tile rows per micro-kernel (the filter gradient's GEMMs take 4).
 */
export function wino42BackpropPart(
  mr: i32, x: usize, H: i32, W: i32, C: i32, padT: i32, padL: i32, dy: usize, OH: i32, OW: i32, K: i32,
  N: i32, perPart: i32, part: i32, chunk: i32, Ut: usize, dx: usize, acc: usize, dUs: usize, partStride: usize, ws: usize,
): void {
  const n0 = part * perPart, n1 = min(N, n0 + perPart);
  const dU = dUs + <usize>part * partStride;
  const TW = (OW + 3) >> 2, tilesPer = ((OH + 3) >> 2) * TW;
  const Cz = <usize>C, Cp = Cz << 2, Kz = <usize>K, Kp = <usize>((K + 7) & ~7);
  const vXi = (<usize>chunk * Cp) << 2, gXi = (<usize>chunk * Kz) << 2;
  const V = ws; // [25][chunk][4C]: the x tiles' transforms
  // [25][chunk][4C]: the adjoint's GEMM output, in V's space once the filter gradient has read V.
  // With C % 8 == 0 the GEMMs skip the panels where Ut_xi is zero (phaseRange), which keep V's
  // values: the scatter reads none of them (a phase's zero row and column of U are exactly the
  // components outside phaseRange), so unlike wino42BackpropInput nothing is zeroed.
  const M = V;
  const G = V + 25 * vXi; // [25][chunk][K]: the dy tiles' transforms
  const rowt = G + 25 * gXi;
  const tmp = rowt + 64; // 2 x 25 v128
  const patch = tmp + 25 * 16 * 2;
  const yRow = (<usize>OW * Kz) << 2;
  const t0 = n0 * tilesPer, t1 = n1 * tilesPer;
  if (t0 >= t1) memory.fill(dU, 0, 25 * ((Cp * Kp) << 2));
  const skip = (C & 7) == 0;
  let ready = n0;
  for (let tc = t0; tc < t1; tc += chunk) {
    const cnt = min(chunk, t1 - tc);
    const cntPad = (cnt + mr - 1) / mr * mr;
    for (let t = 0; t < cntPad; t++) {
      const gt = G + ((<usize>t * Kz) << 2);
      if (t >= cnt) {
        for (let xi = 0; xi < 25; xi++) memory.fill(gt + <usize>xi * gXi, 0, Kz << 2);
        continue;
      }
      const tt = tc + t;
      const n = tt / tilesPer, rem = tt % tilesPer, ty = rem / TW, tx = rem % TW;
      transformTile(x, n, H, W, Cz, 8 * ty - padT, 8 * tx - padL, patch, tmp, V + ((<usize>t * Cp) << 2), vXi);
      const oy = 4 * ty, ox = 4 * tx;
      const yb = f(dy, <usize>((n * OH + oy) * OW + ox) * Kz);
      for (let k: usize = 0; k < Kz; k += 4) {
        dyTile5(yb + (k << 2), Kz << 2, yRow, min(4, OH - oy), min(4, OW - ox), tmp, gt + (k << 2), gXi);
      }
    }
    filterGradGemms(4, x, H, W, C, padT, padL, dy, OH, OW, K, chunk, tc, cnt, t0, t1, V, G, gXi, Kz << 2, dU, tmp);
    inputGradGemms(mr, K, C, cntPad, G, gXi, Ut, M, vXi, rowt, skip); // M has V's layout
    ready = scatterChunk(M, vXi, C, tmp, dx, acc, H, W, padT, padL, TW, tilesPer, tc, cnt, ready);
  }
}
