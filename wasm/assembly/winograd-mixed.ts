// Winograd forward of a 3x3 stride-1 conv with mixed output tiles: along each side, k6 tiles of 6
// outputs (F(6, 3): 8 transform points) then k4 tiles of 4 (F(4, 3): 6 points), k6 and k4 chosen so
// that they cover the side with the fewest points (8 k6 + 6 k4). A tile is 6x6, 6x4, 4x6 or 4x4
// outputs: four tile kinds, each with its own filter transform U and its (8|6) x (8|6) GEMMs.
// The GEMM rows of an image are the product of the two sides' points: 32 = 6+6+6+6+4+4 gives 44^2 =
// 1,936 rows against F(4x4, 3x3)'s 48^2 = 2,304, 16 = 6+6+4 gives 22^2 = 484 against 576 (DESIGN.md
// section 35; F(6x6) alone saves nothing on these maps). The GEMMs are FMA-bound at the 128-bit
// roof, so fewer rows is the saving; the transforms cost about the same per output.
//
// Images go in groups (enough for `chunk` tiles of the commonest kind); each group runs the kinds
// one after another, each as passes of at most `chunk` tiles: input transform, GEMMs (the next
// group's input and this group's output touched ahead between them, touch-ahead.ts), output
// transform with the epilogue of wino4Forward (bias, residual, relu, 2x2 pool, or the pool alone).
// Every output is one tile's GEMM chain whatever the grouping: the same bits on any threads.
import { f } from './simd';
import { touchPart } from './touch-ahead';
import { componentBytes, WG_ROWS, wgRows4x8 } from './winograd-gemm';
import { bt6, g6v, poolWindows, windowHW } from './winograd4';
import { at6x4, at6x4Out, at8x6, at8x6Out, bt8x6, g8x6 } from './winograd6-transforms';

/** Transform points of a side of the kind's tiles: 8 for 6-output tiles, 6 for 4-output ones. */
// @ts-ignore: decorator
@inline function rowsOut(kind: i32): i32 { return kind < 2 ? 6 : 4; }
// @ts-ignore: decorator
@inline function colsOut(kind: i32): i32 { return (kind & 1) == 0 ? 6 : 4; }

/** Components (GEMMs) of a kind: 64, 48, 48, 36. */
// @ts-ignore: decorator
@inline function components(kind: i32): i32 { return (rowsOut(kind) + 2) * (colsOut(kind) + 2); }

/** Components before the kind's in U: the four kinds' U one after another. */
// @ts-ignore: decorator
@inline function firstComponent(kind: i32): i32 { return kind == 0 ? 0 : kind == 1 ? 64 : kind == 2 ? 112 : 160; }

/** Components of all four kinds. */
const ALL_COMPONENTS = 196;

/** 4-output tiles after k6 6-output ones to cover `side` outputs. */
// @ts-ignore: decorator
@inline function foursAfter(side: i32, k6: i32): i32 { return max(0, side - 6 * k6 + 3) >> 2; }

/** 6-output tiles along a side of `side` outputs: the fewest points 8 k6 + 6 k4 (ties: more 6s). */
export function winoMixedSixes(side: i32): i32 {
  let best = 0, bestPoints = i32.MAX_VALUE;
  for (let k6 = (side + 5) / 6; k6 >= 0; k6--) {
    const points = 8 * k6 + 6 * foursAfter(side, k6);
    if (points < bestPoints) { best = k6; bestPoints = points; }
  }
  return best;
}

/** Bytes between two components of U: C x K floats, an odd number of lines (componentBytes). */
// @ts-ignore: decorator
@inline function uBytes(C: i32, K: i32): usize { return componentBytes((<usize>C * <usize>K) << 2); }

/** Bytes of U for winoMixedFilter (K % 8 == 0): the four kinds' 196 packed [C x K] panels. */
export function winoMixedFilterBytes(C: i32, K: i32): i32 {
  return ALL_COMPONENTS * <i32>uBytes(C, K);
}

/**
 * U of the four kinds for filter g (HWIO 3x3xCxK, K % 8 == 0): kind (a x b) component (i, j) =
 * (G_a g G_b^T)[i][j], G_6 of F(6, 3) (g8x6), G_4 of F(4, 3) (g6v), as panels [K/8][C][8], for
 * input channels [c0, c1) (threads split channels). tmp: 384 bytes of scratch.
 */
export function winoMixedFilter(g: usize, C: i32, K: i32, U: usize, tmp: usize, c0: i32, c1: i32): void {
  const uXi = uBytes(C, K), s = <usize>C * <usize>K;
  for (let c = c0; c < c1; c++) {
    for (let k = 0; k < K; k += 4) {
      const base = f(g, <usize>c * <usize>K + <usize>k);
      const at = f(U, <usize>(k >> 3) * <usize>C * 8 + <usize>c * 8 + <usize>(k & 7));
      for (let kind = 0; kind < 4; kind++) {
        const nh = <usize>(rowsOut(kind) + 2), nw = <usize>(colsOut(kind) + 2);
        // tmp[i][j] = (G_a g)[i][j] (rows 48 bytes apart), then row i through G_b.
        for (let j: usize = 0; j < 3; j++) {
          const t0 = v128.load(base + ((j * s) << 2)), t1 = v128.load(base + (((3 + j) * s) << 2)), t2 = v128.load(base + (((6 + j) * s) << 2));
          if (nh == 8) g8x6(t0, t1, t2, tmp + (j << 4), 48); else g6v(t0, t1, t2, tmp + (j << 4), 48);
        }
        const dst = at + <usize>firstComponent(kind) * uXi;
        for (let i: usize = 0; i < nh; i++) {
          const r = tmp + i * 48, to = dst + i * nw * uXi;
          if (nw == 8) g8x6(v128.load(r), v128.load(r, 16), v128.load(r, 32), to, uXi);
          else g6v(v128.load(r), v128.load(r, 16), v128.load(r, 32), to, uXi);
        }
      }
    }
  }
}

/** Tiles per pass rounded up to the GEMM's rows. */
// @ts-ignore: decorator
@inline function padRows(tiles: i32): i32 { return (tiles + WG_ROWS - 1) / WG_ROWS * WG_ROWS; }

/** Workspace bytes for winoMixedForward with passes of up to `chunk` tiles. */
export function winoMixedWorkspaceBytes(C: i32, K: i32, chunk: i32): i32 {
  const rows = <usize>padRows(chunk);
  return 64 * <i32>(componentBytes((rows * <usize>C) << 2) + componentBytes((rows * <usize>K) << 2)) + 256 + (64 + 36) * 16 + 64 * C * 4 + 36 * K * 4 + 256;
}

/** One tile's V rows for channels c..c+3 from its window at p (rows rs, pixels cs bytes apart). */
// @ts-ignore: decorator
@inline function inputTile(nh: usize, nw: usize, p: usize, rs: usize, cs: usize, tmp: usize, o: usize, vXi: usize): void {
  const rowT = nw << 4;
  // columns: tmp[r][j] = (B_h^T d)[r][j]; rows: V[r nw + l] = (tmp[r] B_w)[l]
  for (let j: usize = 0; j < nw; j++) {
    if (nh == 8) bt8x6(p + j * cs, rs, tmp + (j << 4), rowT); else bt6(p + j * cs, rs, tmp + (j << 4), rowT);
  }
  for (let r: usize = 0; r < nh; r++) {
    if (nw == 8) bt8x6(tmp + r * rowT, 16, o + r * nw * vXi, vXi); else bt6(tmp + r * rowT, 16, o + r * nw * vXi, vXi);
  }
}

/**
 * What every pass of a call needs: the map, the tiling of both sides, the group's first image, the
 * workspace. Unmanaged (nothing allocates): it lives at the start of the workspace.
 */
@unmanaged class Pass {
  x: usize = 0; H: i32 = 0; W: i32 = 0; Cz: usize = 0; padT: i32 = 0; padL: i32 = 0;
  OH: i32 = 0; OW: i32 = 0; Kz: usize = 0; r6: i32 = 0; r4: i32 = 0; c6: i32 = 0; c4: i32 = 0;
  g0: i32 = 0; chunk: i32 = 0; V: usize = 0; M: usize = 0; vXi: usize = 0; mXi: usize = 0;
}

/** The kind's tiles along rows and columns of an image. */
// @ts-ignore: decorator
@inline function tileRows(p: Pass, kind: i32): i32 { return kind < 2 ? p.r6 : p.r4; }
// @ts-ignore: decorator
@inline function tileCols(p: Pass, kind: i32): i32 { return (kind & 1) == 0 ? p.c6 : p.c4; }

/** First output row (column) of the kind's tile row ty (column tx): the 6s first, then the 4s. */
// @ts-ignore: decorator
@inline function originY(p: Pass, kind: i32, ty: i32): i32 { return kind < 2 ? 6 * ty : 6 * p.r6 + 4 * ty; }
// @ts-ignore: decorator
@inline function originX(p: Pass, kind: i32, tx: i32): i32 { return (kind & 1) == 0 ? 6 * tx : 6 * p.c6 + 4 * tx; }

/** V of tiles [tc, tc + cnt) of the kind in the group (rows past cnt up to the GEMM's block zeroed). */
function inputPass(p: Pass, kind: i32, tc: i32, cnt: i32, tmp: usize, patch: usize): void {
  const nh = rowsOut(kind) + 2, nw = colsOut(kind) + 2, nn = nh * nw;
  const per = tileRows(p, kind) * tileCols(p, kind), TW = tileCols(p, kind);
  const cs = p.Cz << 2, rowB = (<usize>p.W * p.Cz) << 2;
  for (let t = 0; t < padRows(cnt); t++) {
    const vt = p.V + ((<usize>t * p.Cz) << 2);
    if (t >= cnt) {
      for (let xi = 0; xi < nn; xi++) memory.fill(vt + <usize>xi * p.vXi, 0, p.Cz << 2);
      continue;
    }
    const tt = tc + t, rem = tt % per;
    const iy = originY(p, kind, rem / TW) - p.padT, ix = originX(p, kind, rem % TW) - p.padL;
    const src = windowHW(p.x, p.g0 + tt / per, p.H, p.W, p.Cz, iy, ix, nh, nw, patch);
    const rs: usize = src == patch ? (<usize>nw * p.Cz) << 2 : rowB;
    for (let c: usize = 0; c < p.Cz; c += 4) {
      const at = src + (c << 2), o = vt + (c << 2);
      if (kind == 0) inputTile(8, 8, at, rs, cs, tmp, o, p.vXi);
      else if (kind == 1) inputTile(8, 6, at, rs, cs, tmp, o, p.vXi);
      else if (kind == 2) inputTile(6, 8, at, rs, cs, tmp, o, p.vXi);
      else inputTile(6, 6, at, rs, cs, tmp, o, p.vXi);
    }
  }
}

/**
 * The kind's 4-channel group at `q` of one tile's M rows (components mXi apart) through A^T, the
 * columns first (to tmp), then each of the nr rows wanted with the epilogue (at8x6Out) to y at o
 * (rows yRow bytes apart, the residual at ro, 0: none).
 */
// @ts-ignore: decorator
@inline function outputTile(nh: usize, nw: usize, q: usize, mXi: usize, tmp: usize, o: usize, yRow: usize, kB: usize, nr: i32, nc: i32, bv: v128, ro: usize, relu: bool): void {
  const rowT = nw << 4;
  for (let j: usize = 0; j < nw; j++) {
    if (nh == 8) at8x6(q + j * mXi, nw * mXi, tmp + (j << 4), rowT); else at6x4(q + j * mXi, nw * mXi, tmp + (j << 4), rowT);
  }
  for (let r = 0; r < nr; r++) {
    const rr = <usize>r * yRow, rres = ro != 0 ? ro + rr : 0;
    if (nw == 8) at8x6Out(tmp + <usize>r * rowT, o + rr, kB, nc, bv, rres, relu);
    else at6x4Out(tmp + <usize>r * rowT, o + rr, kB, nc, bv, rres, relu);
  }
}

/**
 * Outputs of tiles [tc, tc + cnt) of the kind from M: act(A^T M A + bias + res), stored where they
 * lie inside y (or in `tileOut` when only the pool is wanted) and pooled 2x2 from there.
 */
function outputPass(
  p: Pass, kind: i32, tc: i32, cnt: i32, tmp: usize, tileOut: usize,
  bias: usize, y: usize, flags: i32, pooled: usize, poolMode: i32, res: usize,
): void {
  const a = rowsOut(kind), b = colsOut(kind);
  const per = tileRows(p, kind) * tileCols(p, kind), TW = tileCols(p, kind);
  const Kz = p.Kz, kB = Kz << 2, OH = p.OH, OW = p.OW, M = p.M, mXi = p.mXi;
  const yRow = y != 0 ? (<usize>OW * Kz) << 2 : (<usize>6 * Kz) << 2;
  const hasBias = (flags & 2) != 0, relu = (flags & 4) != 0;
  for (let t = 0; t < cnt; t++) {
    const tt = tc + t, n = p.g0 + tt / per, rem = tt % per;
    const oy = originY(p, kind, rem / TW), ox = originX(p, kind, rem % TW);
    const nr = min(a, OH - oy), nc = min(b, OW - ox);
    const yb = y != 0 ? f(y, <usize>((n * OH + oy) * OW + ox) * Kz) : tileOut;
    const mt = M + ((<usize>t * Kz) << 2);
    for (let k: usize = 0; k < Kz; k += 4) {
      const q = mt + (k << 2), o = yb + (k << 2);
      // The residual (y's layout) before the activation, as wino4Forward adds it.
      const ro = res != 0 ? res + (o - y) : 0;
      const bv = hasBias ? v128.load(bias + (k << 2)) : f32x4.splat(0);
      if (kind == 0) outputTile(8, 8, q, mXi, tmp, o, yRow, kB, nr, nc, bv, ro, relu);
      else if (kind == 1) outputTile(8, 6, q, mXi, tmp, o, yRow, kB, nr, nc, bv, ro, relu);
      else if (kind == 2) outputTile(6, 8, q, mXi, tmp, o, yRow, kB, nr, nc, bv, ro, relu);
      else outputTile(6, 6, q, mXi, tmp, o, yRow, kB, nr, nc, bv, ro, relu);
      if (pooled != 0) poolWindows(poolMode, o, yRow, kB, pooled + (k << 2), n, oy >> 1, ox >> 1, OH >> 1, OW >> 1, Kz, a >> 1, b >> 1);
    }
  }
}

/**
 * The kind's GEMMs for a pass of `cnt` tiles, M_xi [tiles x K] = V_xi [tiles x C] U_xi [C x K], all
 * K/8 panels per call; after each, slice `part` of `parts` of [xLo, xHi) is touched, and while
 * `part` < `yParts` slice `part` of the output ranges (y or the pool, and the residual).
 */
function gemmPass(
  p: Pass, kind: i32, cnt: i32, U: usize, C: i32, K: i32, part: i32, parts: i32, yParts: i32,
  xLo: usize, xHi: usize, yLo: usize, yHi: usize, rLo: usize, rHi: usize, scratch: usize,
): i32 {
  const uXi = uBytes(C, K), Cz = p.Cz, Kz = p.Kz;
  const uk = U + <usize>firstComponent(kind) * uXi;
  const rows = padRows(cnt);
  let touched = f32x4.splat(0);
  for (let xi = 0; xi < components(kind); xi++) {
    const vx = p.V + <usize>xi * p.vXi, mx = p.M + <usize>xi * p.mXi, ux = uk + <usize>xi * uXi;
    for (let t = 0; t < rows; t += WG_ROWS) {
      wgRows4x8(C, vx + ((<usize>t * Cz) << 2), Cz << 2, ux, Cz << 5, mx + ((<usize>t * Kz) << 2), Kz << 2, K >> 3);
    }
    touched = touchPart(xLo, xHi, part, parts, touched);
    if (part < yParts) touched = touchPart(yLo, yHi, part, yParts, touchPart(rLo, rHi, part, yParts, touched));
    part++;
  }
  v128.store(scratch, touched); // keeps the loads
  return part;
}

/**
 * Winograd forward with mixed F(6x6) / F(6x4) / F(4x6) / F(4x4) 3x3 tiles, the contract of
 * wino4Forward (C % 4 == 0, K % 8 == 0; U from winoMixedFilter): y [N, OH, OW, K] = act(conv(x, g)
 * + bias + res) for images [n0, n1), padding padT, padL read in place (flags: 2 bias, 4 relu); with
 * `pooled` != 0 also the 2x2 stride-2 pool (poolMode 0 max, 1 min), with y == 0 only the pool.
 */
export function winoMixedForward(
  x: usize, H: i32, W: i32, C: i32, padT: i32, padL: i32, OH: i32, OW: i32, U: usize, K: i32, bias: usize, y: usize,
  flags: i32, n0: i32, n1: i32, chunk: i32, group: i32, ws: usize, pooled: usize, poolMode: i32, res: usize,
): void {
  const p = changetype<Pass>(ws);
  const Cz = <usize>C, Kz = <usize>K, rows = <usize>padRows(chunk);
  p.x = x; p.H = H; p.W = W; p.Cz = Cz; p.padT = padT; p.padL = padL; p.OH = OH; p.OW = OW; p.Kz = Kz; p.chunk = chunk;
  p.r6 = winoMixedSixes(OH); p.r4 = foursAfter(OH, p.r6); p.c6 = winoMixedSixes(OW); p.c4 = foursAfter(OW, p.c6);
  p.vXi = componentBytes((rows * Cz) << 2); p.mXi = componentBytes((rows * Kz) << 2);
  p.V = ws + 256; p.M = p.V + 64 * p.vXi;
  const tmp = p.M + 64 * p.mXi; // 64 v128: a tile's columns
  const patch = tmp + 64 * 16; // [64][C] gathered edge window
  const tileOut = patch + ((64 * Cz) << 2); // [6][6][K]: one output tile when y == 0
  const xImage = (<usize>(H * W) * Cz) << 2, yImage = (<usize>(OH * OW) * Kz) << 2, pImage = (<usize>((OH >> 1) * (OW >> 1)) * Kz) << 2;
  for (let g0 = n0; g0 < n1; g0 += group) {
    const g1 = min(n1, g0 + group), images = g1 - g0;
    p.g0 = g0;
    // Touch ahead: the next group's input over all this group's GEMMs, this group's output (y, or
    // the pool alone) and residual over the first pass's.
    const xLo = x + <usize>g1 * xImage, xHi = x + <usize>min(n1, g1 + group) * xImage;
    const oBase = y != 0 ? y : pooled, oImage = y != 0 ? yImage : pooled != 0 ? pImage : 0;
    const yLo = oBase + <usize>g0 * oImage, yHi = oBase + <usize>g1 * oImage;
    const rLo = res != 0 ? res + <usize>g0 * yImage : 0, rHi = res != 0 ? res + <usize>g1 * yImage : 0;
    let parts = 0, yParts = 0;
    for (let kind = 0; kind < 4; kind++) {
      const total = images * tileRows(p, kind) * tileCols(p, kind);
      const kindParts = (total + chunk - 1) / chunk * components(kind);
      if (parts == 0) yParts = min(kindParts, components(kind));
      parts += kindParts;
    }
    let part = 0;
    for (let kind = 0; kind < 4; kind++) {
      const total = images * tileRows(p, kind) * tileCols(p, kind);
      for (let tc = 0; tc < total; tc += chunk) {
        const cnt = min(chunk, total - tc);
        inputPass(p, kind, tc, cnt, tmp, patch);
        part = gemmPass(p, kind, cnt, U, C, K, part, parts, yParts, xLo, xHi, yLo, yHi, rLo, rHi, tmp);
        outputPass(p, kind, tc, cnt, tmp, tileOut, bias, y, flags, pooled, poolMode, res);
      }
    }
  }
}
