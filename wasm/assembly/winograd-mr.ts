// Winograd F(m x m, r x r) forward for the tiles other than the F(4x4, 3x3) and F(2x2, 5x5) in
// winograd4.ts / winograd25.ts: F(3x3, 3x3), F(5x5, 3x3) and F(4x4, 5x5), n x n input tiles (n =
// m + r - 1), n^2 GEMMs per chunk of tiles (the F(4x4) kernel's wgRows4x8), m x m output tiles.
// For maps that the usual tiles cover badly (conv-winograd-mr.ts picks): the seed CNN's conv3 (5x5
// -> 3x3: one 5x5 tile, 25 GEMM rows per image instead of F(4x4)'s 36), its conv2 when only the
// 2x2 pool is wanted (10x10 of the 11x11 output: four 7x7 tiles, 196 rows instead of nine 6x6
// tiles' 324), LeNet-5's conv2 (8x8 output: four 8x8 tiles, 256 rows instead of F(2x2, 5x5)'s
// 576). The transforms are in winograd-mr-transforms.ts.
//
// Each image's output tiles go to a scratch image in the workspace (in cache); when its last tile
// is done the image is copied to y (y != 0) and/or pooled 2x2 into `pooled` (pooled != 0), so a
// pooling window may span two tiles (m odd).
import { pool2x2Row } from './pool';
import { f, relu4 } from './simd';
import { componentBytes, WG_ROWS, wgRows4xK } from './winograd-gemm';
import { windowN } from './winograd4';
import { at5, at5Out, at7, at7Out, at8, at8Out, bt5, bt7, bt8, g5, g7, g8 } from './winograd-mr-transforms';

/** Output channels rounded up to whole 8-lane GEMM panels. */
// @ts-ignore: decorator
@inline function panelsK(K: i32): i32 { return (K + 7) & ~7; }

/**
 * Bytes between two components of U, V or M: rows x cols floats rounded to an odd number of
 * 64-byte lines (componentBytes). The transforms touch all n^2 components of a tile; at a multiple
 * of 4 KB apart (U of the seed CNN's conv2 and conv3: C x Kp x 4 = 8 and 16 KB, V and M of conv3:
 * 20 x 64 x 4 = 5 KB, every fourth) they share a few L1 sets and evict each other.
 */
// @ts-ignore: decorator
@inline function xiBytes(rows: usize, cols: usize): usize { return componentBytes((rows * cols) << 2); }

/** Bytes of U for winoMRFilter: n^2 packed [C x roundUp(K, 8)] panels, xiBytes(C, Kp) apart. */
export function winoMRFilterBytes(C: i32, K: i32, m: i32, r: i32): i32 {
  return (m + r - 1) * (m + r - 1) * <i32>xiBytes(<usize>C, <usize>panelsK(K));
}

/**
 * U_xi = (G g G^T)_xi (n x n) for filter g (HWIO r x r x C x K, K % 4 == 0), as panels [Kp/8][C][8]
 * per xi (padding lanes zero), for input channels [c0, c1) (threads split channels). tmp: 16 n r
 * bytes of scratch.
 */
export function winoMRFilter(g: usize, C: i32, K: i32, m: i32, r: i32, U: usize, tmp: usize, c0: i32, c1: i32): void {
  const n = <usize>(m + r - 1), rz = <usize>r;
  const Kp = panelsK(K);
  const xiStride = xiBytes(<usize>C, <usize>Kp);
  if (Kp != K) {
    // Zero the padding lanes of the last panel (rows c0..c1 of every xi).
    const last = U + ((<usize>(Kp - 8) * <usize>C + <usize>c0 * 8) << 2);
    for (let xi: usize = 0; xi < n * n; xi++) memory.fill(last + xi * xiStride, 0, (<usize>(c1 - c0) * 8) << 2);
  }
  const s = <usize>C * <usize>K; // floats between filter taps
  const rowT = rz << 4; // bytes per row of tmp
  for (let c = c0; c < c1; c++) {
    for (let k = 0; k < K; k += 4) {
      const base = f(g, <usize>c * <usize>K + <usize>k);
      const dst = f(U, <usize>(k >> 3) * <usize>C * 8 + <usize>c * 8 + <usize>(k & 7));
      // tmp[i][j] = (G g)[i][j]: filter column j through G; then row i of u = G applied to row i of tmp.
      if (r == 3) {
        for (let j: usize = 0; j < 3; j++) {
          const a = v128.load(base + ((j * s) << 2)), b = v128.load(base + (((3 + j) * s) << 2)), d = v128.load(base + (((6 + j) * s) << 2));
          if (m == 5) g7(a, b, d, tmp + (j << 4), rowT); else g5(a, b, d, tmp + (j << 4), rowT);
        }
        for (let i: usize = 0; i < n; i++) {
          const t = tmp + i * rowT;
          if (m == 5) g7(v128.load(t), v128.load(t, 16), v128.load(t, 32), dst + i * n * xiStride, xiStride);
          else g5(v128.load(t), v128.load(t, 16), v128.load(t, 32), dst + i * n * xiStride, xiStride);
        }
      } else {
        for (let j: usize = 0; j < 5; j++) {
          const col = base + ((j * s) << 2), row = (5 * s) << 2; // tap (i, j) at col + i row
          g8(v128.load(col), v128.load(col + row), v128.load(col + 2 * row), v128.load(col + 3 * row), v128.load(col + 4 * row), tmp + (j << 4), rowT);
        }
        for (let i: usize = 0; i < n; i++) {
          const t = tmp + i * rowT;
          g8(v128.load(t), v128.load(t, 16), v128.load(t, 32), v128.load(t, 48), v128.load(t, 64), dst + i * n * xiStride, xiStride);
        }
      }
    }
  }
}

/** Output tiles per side when `out` outputs are wanted. */
// @ts-ignore: decorator
@inline function tilesFor(out: i32, m: i32): i32 { return (out + m - 1) / m; }

/** Workspace bytes for winoMRForward with `chunk` tiles per pass (rounded up to WG_ROWS) on an OH x OW output. */
export function winoMRWorkspaceBytes(C: i32, K: i32, m: i32, r: i32, chunk: i32, OH: i32, OW: i32): i32 {
  const n = m + r - 1;
  const rows = <usize>((chunk + WG_ROWS - 1) / WG_ROWS * WG_ROWS);
  const image = tilesFor(OH, m) * m * tilesFor(OW, m) * m * K * 4;
  return n * n * <i32>(xiBytes(rows, <usize>C) + xiBytes(rows, <usize>panelsK(K))) + n * n * 16 + n * n * C * 4 + image + 256;
}

/** V's rows (r, l) of one tile for channels c..c+3 at p (rows rs, pixels cs bytes apart): B^T d B, n x n. */
// @ts-ignore: decorator
@inline function inputTile(n: i32, p: usize, rs: usize, cs: usize, tmp: usize, o: usize, vXi: usize): void {
  const nB = <usize>n << 4, nz = <usize>n;
  // columns: tmp[r][j] = (B^T d)[r][j]; rows: V[r n + l] = (tmp[r] B)[l]
  if (n == 7) {
    for (let j: usize = 0; j < 7; j++) bt7(p + j * cs, rs, tmp + (j << 4), nB);
    for (let r: usize = 0; r < 7; r++) bt7(tmp + r * nB, 16, o + r * nz * vXi, vXi);
  } else if (n == 8) {
    for (let j: usize = 0; j < 8; j++) bt8(p + j * cs, rs, tmp + (j << 4), nB);
    for (let r: usize = 0; r < 8; r++) bt8(tmp + r * nB, 16, o + r * nz * vXi, vXi);
  } else {
    for (let j: usize = 0; j < 5; j++) bt5(p + j * cs, rs, tmp + (j << 4), nB);
    for (let r: usize = 0; r < 5; r++) bt5(tmp + r * nB, 16, o + r * nz * vXi, vXi);
  }
}

/**
 * One tile's m x m outputs for channels k..k+3 (A^T M A + bias, relu; A^T M A alone when `plain`)
 * from q (xi mXi bytes apart) to ib (rows rowB, pixels kB apart).
 */
// @ts-ignore: decorator
@inline function outputTile(n: i32, q: usize, mXi: usize, tmp: usize, ib: usize, rowB: usize, kB: usize, bv: v128, relu: bool, plain: bool): void {
  const nB = <usize>n << 4, nz = <usize>n;
  // columns: tmp[r][j] = sum_i A^T[r][i] m[i][j]; rows: out[r][c] = sum_j tmp[r][j] A[j][c] + bias
  if (n == 7) {
    for (let j: usize = 0; j < 7; j++) at7(q + j * mXi, nz * mXi, tmp + (j << 4), nB);
    if (plain) for (let r: usize = 0; r < 5; r++) at7(tmp + r * nB, 16, ib + r * rowB, kB);
    else for (let r: usize = 0; r < 5; r++) at7Out(tmp + r * nB, 16, ib + r * rowB, kB, bv, relu);
  } else if (n == 8) {
    for (let j: usize = 0; j < 8; j++) at8(q + j * mXi, nz * mXi, tmp + (j << 4), nB);
    if (plain) for (let r: usize = 0; r < 4; r++) at8(tmp + r * nB, 16, ib + r * rowB, kB);
    else for (let r: usize = 0; r < 4; r++) at8Out(tmp + r * nB, 16, ib + r * rowB, kB, bv, relu);
  } else {
    for (let j: usize = 0; j < 5; j++) at5(q + j * mXi, nz * mXi, tmp + (j << 4), nB);
    if (plain) for (let r: usize = 0; r < 3; r++) at5(tmp + r * nB, 16, ib + r * rowB, kB);
    else for (let r: usize = 0; r < 3; r++) at5Out(tmp + r * nB, 16, ib + r * rowB, kB, bv, relu);
  }
}

/** One tile's outputs for every 4-channel group k (outputTile), its M rows at q, its outputs at ib. */
// @ts-ignore: decorator
@inline function outputTiles(n: i32, q: usize, mXi: usize, tmp: usize, ib: usize, rowB: usize, Kz: usize, bias: usize, hasBias: bool, relu: bool, plain: bool): void {
  for (let k: usize = 0; k < Kz; k += 4) {
    const bv = hasBias ? v128.load(bias + (k << 2)) : f32x4.splat(0);
    outputTile(n, q + (k << 2), mXi, tmp, ib + (k << 2), rowB, Kz << 2, bv, relu, plain);
  }
}

/**
 * Winograd F(m x m, r x r) forward ((m, r) = (3, 3), (5, 3) or (4, 5); C % 4 == 0, K % 4 == 0) of
 * images [n0, n1): y [N, OH, OW, K] = act(conv(x, g) + bias) with padding padT, padL read in place
 * (flags: 2 bias, 4 relu). With `pooled` != 0 it also writes the 2x2 stride-2 pool (poolMode 0
 * max, 1 min) to pooled [N, OH / 2, OW / 2, K] (floors); with y == 0 only the pool is written, and
 * only the outputs the pool reads are computed (2 floor(OH / 2) rows and columns). Each output is
 * one GEMM chain per transform component whatever the image split: the same bits on any threads.
 */
export function winoMRForward(
  m: i32, r: i32, x: usize, H: i32, W: i32, C: i32, padT: i32, padL: i32, OH: i32, OW: i32, U: usize, K: i32, bias: usize,
  y: usize, flags: i32, n0: i32, n1: i32, chunk: i32, ws: usize, pooled: usize, poolMode: i32,
): void {
  const n = m + r - 1, nn = <usize>(n * n);
  const TH = tilesFor(y != 0 ? OH : OH & ~1, m), TW = tilesFor(y != 0 ? OW : OW & ~1, m);
  const tilesPer = TH * TW;
  const Cz = <usize>C, Kz = <usize>K, Kp = <usize>panelsK(K);
  chunk = (chunk + WG_ROWS - 1) / WG_ROWS * WG_ROWS;
  const vXi = xiBytes(<usize>chunk, Cz), mXi = xiBytes(<usize>chunk, Kp), uXi = xiBytes(Cz, Kp);
  const V = ws; // [n^2][chunk][C], components vXi bytes apart
  const M = V + nn * vXi; // [n^2][chunk][Kp], mXi apart
  const tmp = M + nn * mXi; // n^2 v128
  const patch = tmp + (nn << 4); // [n^2][C] gathered edge window
  const image = patch + ((nn * Cz) << 2); // [TH m][TW m][K]: the image being written
  const IW = <usize>(TW * m);
  const rowB = (<usize>W * Cz) << 2, cs = Cz << 2, imageRowB = (IW * Kz) << 2;
  const hasBias = (flags & 2) != 0, relu = (flags & 4) != 0;
  const t0 = n0 * tilesPer, t1 = n1 * tilesPer;
  for (let tc = t0; tc < t1; tc += chunk) {
    const cnt = min(chunk, t1 - tc);
    const cntPad = (cnt + WG_ROWS - 1) / WG_ROWS * WG_ROWS;
    for (let t = 0; t < cntPad; t++) {
      const vt = V + ((<usize>t * Cz) << 2);
      if (t >= cnt) {
        for (let xi: usize = 0; xi < nn; xi++) memory.fill(vt + xi * vXi, 0, Cz << 2);
        continue;
      }
      const tt = tc + t;
      const b = tt / tilesPer, rem = tt % tilesPer;
      const src = windowN(x, b, H, W, Cz, (rem / TW) * m - padT, (rem % TW) * m - padL, n, patch);
      const rs: usize = src == patch ? (<usize>n * Cz) << 2 : rowB;
      for (let c: usize = 0; c < Cz; c += 4) inputTile(n, src + (c << 2), rs, cs, tmp, vt + (c << 2), vXi);
    }
    // n^2 GEMMs: M_xi [tiles x K] = V_xi [tiles x C] U_xi [C x K], all K columns per call
    for (let xi: usize = 0; xi < nn; xi++) {
      const vx = V + xi * vXi, mx = M + xi * mXi, ux = U + xi * uXi;
      for (let t = 0; t < cntPad; t += WG_ROWS) {
        wgRows4xK(C, vx + ((<usize>t * Cz) << 2), Cz << 2, ux, Cz << 5, mx + ((<usize>t * Kp) << 2), Kp << 2, K);
      }
    }
    for (let t = 0; t < cnt; t++) {
      const tt = tc + t;
      const b = tt / tilesPer, rem = tt % tilesPer, ty = rem / TW, tx = rem % TW;
      const mt = M + ((<usize>t * Kp) << 2);
      const ib = image + ((<usize>(ty * m) * IW + <usize>(tx * m)) * Kz << 2);
      // relu as a constant in each loop: V8 kept a test and branch per output row for the flag.
      // Pool only: the pool first, then the bias and relu on a quarter of the values (finishImage).
      if (y == 0) outputTiles(n, mt, mXi, tmp, ib, imageRowB, Kz, bias, hasBias, false, true);
      else if (relu) outputTiles(n, mt, mXi, tmp, ib, imageRowB, Kz, bias, hasBias, true, false);
      else outputTiles(n, mt, mXi, tmp, ib, imageRowB, Kz, bias, hasBias, false, false);
      if (rem == tilesPer - 1) finishImage(image, IW, b, OH, OW, Kz, y, pooled, poolMode, hasBias ? bias : 0, relu);
    }
  }
}

/**
 * Image b's finished outputs (in `image`, rows IW pixels apart): copied to y and/or pooled 2x2.
 * Without y the image holds A^T M A alone and the pooled values get the bias (0 when bias == 0)
 * and the relu: act(pool(v) + b) is pool(act(v + b)) bit for bit, as rounding, the bias add and
 * relu are monotone (ties and NaN resolve as in the pool; only an infinite bias, inf - inf = NaN
 * in some window elements, could differ).
 */
function finishImage(image: usize, IW: usize, b: i32, OH: i32, OW: i32, Kz: usize, y: usize, pooled: usize, poolMode: i32, bias: usize, relu: bool): void {
  const rowB = (IW * Kz) << 2;
  if (y != 0) {
    const outRow = (<usize>OW * Kz) << 2;
    for (let oy = 0; oy < OH; oy++) memory.copy(y + <usize>(b * OH + oy) * outRow, image + <usize>oy * rowB, outRow);
  }
  if (pooled != 0) {
    const POH = OH >> 1, POW = OW >> 1;
    for (let pr = 0; pr < POH; pr++) {
      const top = image + <usize>(2 * pr) * rowB, out = pooled + ((<usize>((b * POH + pr) * POW) * Kz) << 2);
      pool2x2Row(poolMode, top, top + rowB, <i32>Kz, POW, out);
      if (y != 0) continue;
      if (relu) biasRelu(out, <usize>POW, Kz, bias, true);
      else biasRelu(out, <usize>POW, Kz, bias, false);
    }
  }
}

/** v = v + bias (0 when bias == 0), then relu4 when `relu`, over `pixels` pixels of Kz channels at p. */
// @ts-ignore: decorator
@inline function biasRelu(p: usize, pixels: usize, Kz: usize, bias: usize, relu: bool): void {
  for (let i: usize = 0; i < pixels; i++) {
    const px = p + ((i * Kz) << 2);
    for (let k: usize = 0; k < Kz; k += 4) {
      const v = f32x4.add(v128.load(px + (k << 2)), bias != 0 ? v128.load(bias + (k << 2)) : f32x4.splat(0));
      v128.store(px + (k << 2), relu ? relu4(v) : v);
    }
  }
}
