// Stride-2 3x3 convolution as Winograd F(4x4, 2x2) on the input's four phases.
//
// With xp the padded input, y[oy, ox] = sum_{kh, kw} xp[2 oy + kh, 2 ox + kw] w[kh, kw]. Writing
// kh = 2p + a and kw = 2q + b (a, b in {0, 1}; p, q in {0, 1}; the taps kh = 3 or kw = 3 are
// zero), y is a stride-1 2x2 conv of the space-to-depth input X[i, j, (a, b, c)] = xp[2i + a,
// 2j + b, c] (4C channels) with the filter h[p, q, (a, b, c)] = w[2p + a, 2q + b, c]. That conv
// runs as Winograd F(4x4, 2x2): 5x5 tiles of X, 25 GEMMs of 4C -> K per chunk, 4x4 output tiles,
// 25 x 4C = 100 C multiplies per 16 outputs against the direct conv's 144 C. X is never stored:
// an inside tile reads x with strides of two pixels and two rows, an edge tile is gathered.
//
// Phase channels are ordered (a, b) = (0, 1), (0, 0), (1, 0), (1, 1) (phaseSlot): a phase with
// a = 1 has no tap p = 1, so its U is zero in row 4 of the 5x5 (G's last row picks h[1]), and one
// with b = 1 in column 4. In this order the phases left in row 4, column 4 and at (4, 4) are
// contiguous, and the GEMMs of those 9 of the 25 components run over 2C, 2C and C channels
// (phaseRange): 81 C multiplies per 16 outputs instead of 100 C.
//
// F(4, 2) with the points 0, 1, -1, 2 and infinity (wincnn's construction):
//   B^T = [2 -1 -2 1 0; 0 -2 -1 1 0; 0 2 -3 1 0; 0 -1 0 1 0; 0 2 -1 -2 1]
//   G   = [1/2 0; -1/2 -1/2; -1/6 1/6; 1/6 1/3; 0 1]
//   A^T = [1 1 1 1 0; 0 1 -1 2 0; 0 1 1 4 0; 0 1 -1 8 1]
import { f, fma, fms, relu4 } from './simd';
import { tileRowAddress, touchPart } from './touch-ahead';
import { componentBytes, WG_ROWS, wgRows4x8 } from './winograd-gemm';

/** The slot (0..3) of phase (a, b) among the 4C channels: (0, 1), (0, 0), (1, 0), (1, 1). */
// @ts-ignore: decorator
@inline export function phaseSlot(a: i32, b: i32): i32 {
  return a == 0 ? 1 - b : 2 + b;
}

/**
 * The slots [lo, hi) whose U at component xi = i * 5 + j can be nonzero, packed as lo | hi << 8:
 * row 4 only a = 0 (slots 0, 1), column 4 only b = 0 (slots 1, 2), (4, 4) only (0, 0) (slot 1).
 */
// @ts-ignore: decorator
@inline export function phaseRange(xi: i32): i32 {
  const i = xi / 5, j = xi % 5;
  const lo = j == 4 ? 1 : 0;
  const hi = i == 4 ? 2 : j == 4 ? 3 : 4;
  return lo | (hi << 8);
}

/** Bytes of U for wino42Filter: 25 packed [4C x K] panels. */
export function wino42FilterBytes(C: i32, K: i32): i32 {
  return 25 * 4 * C * K * 4;
}

/** G h for one column (h0, h1) of a 2x2 filter, four output channels: five vectors at dst, stride bytes apart. */
// @ts-ignore: decorator
@inline function g5(h0: v128, h1: v128, dst: usize, stride: usize): void {
  v128.store(dst, f32x4.mul(h0, f32x4.splat(0.5)));
  v128.store(dst + stride, f32x4.mul(f32x4.add(h0, h1), f32x4.splat(-0.5)));
  v128.store(dst + 2 * stride, f32x4.mul(f32x4.sub(h1, h0), f32x4.splat(<f32>(1.0 / 6.0))));
  v128.store(dst + 3 * stride, f32x4.add(f32x4.mul(h0, f32x4.splat(<f32>(1.0 / 6.0))), f32x4.mul(h1, f32x4.splat(<f32>(1.0 / 3.0)))));
  v128.store(dst + 4 * stride, h1);
}

/** Taps (kh, kw) of output channels [k, k + 4) of the HWIO 3x3 filter at float offset `base` (c * K + k), zero past the filter. */
// @ts-ignore: decorator
@inline function tap(g: usize, s: usize, base: usize, kh: i32, kw: i32): v128 {
  return kh <= 2 && kw <= 2 ? v128.load(f(g, <usize>(kh * 3 + kw) * s + base)) : f32x4.splat(0);
}

/**
 * u (25 vectors at u, 16 bytes apart) = G h G^T of the 2x2 filter of phase (a, b), input channel
 * c (float offset `base` = c * K + k), output channels [k, k + 4). tmp: 160 bytes.
 */
// @ts-ignore: decorator
@inline function phaseFilter4(g: usize, s: usize, base: usize, a: i32, b: i32, tmp: usize, u: usize): void {
  // t = G h (5x2 at tmp, rows 32 bytes apart), one column of h at a time.
  g5(tap(g, s, base, a, b), tap(g, s, base, 2 + a, b), tmp, 32);
  g5(tap(g, s, base, a, 2 + b), tap(g, s, base, 2 + a, 2 + b), tmp + 16, 32);
  // u = t G^T: row i of u = G applied to row i of t.
  for (let i: usize = 0; i < 5; i++) g5(v128.load(tmp + i * 32), v128.load(tmp + i * 32 + 16), u + i * 80, 16);
}

/**
 * U_xi = (G h G^T)_xi (5x5) of every phase's 2x2 filter h of g (HWIO 3x3xCxK, K % 4 == 0),
 * channel phaseSlot(a, b) * C + c, for input channels [c0, c1) (threads split channels), as
 * packB-style panels [K/8][4C][8] (K % 8 == 0) for the forward, or with `transposed` [4C/8][K][8]
 * for the input gradient's GEMM (4C -> K read backwards). Four output channels at a time (HWIO
 * keeps them contiguous), where one channel at a time stored 25 floats 4C K floats apart per
 * channel: the forward's panels eight at a time in whole rows (forwardFilter8) when K % 8 == 0,
 * else as one vector store per component; the transposed panels four input channels at a time
 * (a 4x4 transpose per component) where C % 4 == 0. tmp: 2 KB.
 */
export function wino42Filter(g: usize, C: i32, K: i32, U: usize, transposed: i32, tmp: usize, c0: i32, c1: i32): void {
  const Cp = <usize>(4 * C);
  const uXi = (Cp * <usize>K) << 2;
  const s = <usize>C * <usize>K;
  const u = tmp + 160; // 4 x 25 v128: u = G h G^T for four output channels, of up to four input channels
  if (transposed == 0 && (K & 7) == 0) {
    forwardFilter8(g, s, C, K, U, uXi, tmp, c0, c1);
    return;
  }
  let c = c0;
  if (transposed != 0 && (C & 3) == 0) {
    for (; (c & 3) == 0 && c + 4 <= c1; c += 4) transposedFilter4x4(g, s, C, K, U, uXi, c, tmp, u);
  }
  for (; c < c1; c++) {
    for (let a = 0; a < 2; a++) {
      for (let b = 0; b < 2; b++) {
        const cp = <usize>(phaseSlot(a, b) * C + c);
        for (let k = 0; k < K; k += 4) {
          phaseFilter4(g, s, <usize>c * <usize>K + <usize>k, a, b, tmp, u);
          if (transposed != 0) {
            const dst = f(U, (cp >> 3) * <usize>K * 8 + <usize>k * 8 + (cp & 7));
            for (let xi: usize = 0; xi < 25; xi++) {
              const v = v128.load(u + (xi << 4)), d = dst + xi * uXi;
              store<f32>(d, f32x4.extract_lane(v, 0));
              store<f32>(d, f32x4.extract_lane(v, 1), 32);
              store<f32>(d, f32x4.extract_lane(v, 2), 64);
              store<f32>(d, f32x4.extract_lane(v, 3), 96);
            }
          } else {
            const dst = f(U, <usize>(k >> 3) * Cp * 8 + cp * 8 + <usize>(k & 7));
            for (let xi: usize = 0; xi < 25; xi++) v128.store(dst + xi * uXi, v128.load(u + (xi << 4)));
          }
        }
      }
    }
  }
}

/**
 * The forward's panels (K % 8 == 0) hold lanes k..k+7 of a channel in one 32-byte row and
 * consecutive channels in consecutive rows: eight output channels at a time, channels innermost,
 * so each of the 25 panels is written as a stream of whole rows (their starts are multiples of
 * 4 KB apart, and scattered partial rows thrashed one L1 set: 10x wino4Filter's time). tmp: 320 bytes.
 */
function forwardFilter8(g: usize, s: usize, C: i32, K: i32, U: usize, uXi: usize, tmp: usize, c0: i32, c1: i32): void {
  const Cp = <usize>(4 * C);
  for (let a = 0; a < 2; a++) {
    for (let b = 0; b < 2; b++) {
      for (let k = 0; k < K; k += 8) {
        for (let c = c0; c < c1; c++) {
          const cp = <usize>(phaseSlot(a, b) * C + c);
          const base = <usize>c * <usize>K + <usize>k;
          // t = G h, 5 rows of [column 0 lanes 0-3, 4-7, column 1 lanes 0-3, 4-7] at tmp.
          g5(tap(g, s, base, a, b), tap(g, s, base, 2 + a, b), tmp, 64);
          g5(tap(g, s, base + 4, a, b), tap(g, s, base + 4, 2 + a, b), tmp + 16, 64);
          g5(tap(g, s, base, a, 2 + b), tap(g, s, base, 2 + a, 2 + b), tmp + 32, 64);
          g5(tap(g, s, base + 4, a, 2 + b), tap(g, s, base + 4, 2 + a, 2 + b), tmp + 48, 64);
          const dst = f(U, <usize>(k >> 3) * Cp * 8 + cp * 8);
          // u = t G^T: row i of u = G applied to row i of t.
          for (let i: usize = 0; i < 5; i++) {
            const row = tmp + i * 64;
            g5(v128.load(row), v128.load(row, 32), dst + i * 5 * uXi, uXi);
            g5(v128.load(row, 16), v128.load(row, 48), dst + i * 5 * uXi + 16, uXi);
          }
        }
      }
    }
  }
}

/**
 * The transposed panels of input channels [c, c + 4) (c % 4 == 0, C % 4 == 0: their phase channels
 * cp..cp + 3 share an 8-wide panel): per phase and four output channels, u of the four input
 * channels, then per component a 4x4 transpose into four vector stores (one per output channel).
 */
function transposedFilter4x4(g: usize, s: usize, C: i32, K: i32, U: usize, uXi: usize, c: i32, tmp: usize, u: usize): void {
  for (let a = 0; a < 2; a++) {
    for (let b = 0; b < 2; b++) {
      const cp = <usize>(phaseSlot(a, b) * C + c);
      for (let k = 0; k < K; k += 4) {
        for (let j: usize = 0; j < 4; j++) phaseFilter4(g, s, (<usize>c + j) * <usize>K + <usize>k, a, b, tmp, u + j * 400);
        const dst = f(U, (cp >> 3) * <usize>K * 8 + <usize>k * 8 + (cp & 7));
        for (let xi: usize = 0; xi < 25; xi++) {
          // rows: input channels c..c+3, lanes: output channels k..k+3
          const r0 = v128.load(u + (xi << 4)), r1 = v128.load(u + 400 + (xi << 4));
          const r2 = v128.load(u + 800 + (xi << 4)), r3 = v128.load(u + 1200 + (xi << 4));
          const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
          const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
          const d = dst + xi * uXi;
          v128.store(d, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
          v128.store(d, i32x4.shuffle(t0, t1, 2, 3, 6, 7), 32);
          v128.store(d, i32x4.shuffle(t2, t3, 0, 1, 4, 5), 64);
          v128.store(d, i32x4.shuffle(t2, t3, 2, 3, 6, 7), 96);
        }
      }
    }
  }
}

/**
 * 1-D input transform o = B^T d on five vectors at p (stride ps), written at q (stride qs); with
 * `four` only o0..o3, which do not read d4 (B^T's last column is zero above its last row).
 */
// @ts-ignore: decorator
@inline function bt5(p: usize, ps: usize, q: usize, qs: usize, four: bool = false): void {
  const d0 = v128.load(p), d1 = v128.load(p + ps), d2 = v128.load(p + 2 * ps), d3 = v128.load(p + 3 * ps);
  const two = f32x4.splat(2);
  const o3 = f32x4.sub(d3, d1), e = f32x4.sub(d3, d2);
  v128.store(q, fma(two, f32x4.sub(d0, d2), o3));
  v128.store(q + qs, fms(two, d1, e));
  v128.store(q + 2 * qs, fma(two, f32x4.sub(d1, d2), e));
  v128.store(q + 3 * qs, o3);
  if (!four) v128.store(q + 4 * qs, fma(two, f32x4.sub(d1, d3), f32x4.sub(v128.load(p + 4 * ps), d2)));
}

/**
 * The 10x10 input window at x[r0, q0] of image n (the pixels of one 5x5 space-to-depth tile)
 * copied into patch [10][10][C], zeros outside x: one copy per row.
 */
function window10(x: usize, n: i32, H: i32, W: i32, Cz: usize, r0: i32, q0: i32, patch: usize): void {
  const rowBytes: usize = (10 * Cz) << 2;
  const qa = max(q0, 0), qb = min(q0 + 10, W);
  for (let i = 0; i < 10; i++) {
    const d = patch + <usize>i * rowBytes, r = r0 + i;
    if (r < 0 || r >= H || qa >= qb) {
      memory.fill(d, 0, rowBytes);
      continue;
    }
    const head = (<usize>(qa - q0) * Cz) << 2, body = (<usize>(qb - qa) * Cz) << 2;
    if (head > 0) memory.fill(d, 0, head);
    memory.copy(d + head, f(x, <usize>((n * H + r) * W + qa) * Cz), body);
    if (head + body < rowBytes) memory.fill(d + head + body, 0, rowBytes - head - body);
  }
}

/** Workspace bytes for wino42Forward with `chunk` tiles per pass (rounded up to WG_ROWS). */
export function wino42WorkspaceBytes(C: i32, K: i32, chunk: i32): i32 {
  const rows = <usize>((chunk + WG_ROWS - 1) / WG_ROWS * WG_ROWS);
  return 25 * <i32>(componentBytes((rows * <usize>(4 * C)) << 2) + componentBytes((rows * <usize>K) << 2)) + 100 * C * 4 + 25 * 16 + 256;
}

/**
 * y [N, OH, OW, K] = act(conv + bias) of the unpadded x [N, H, W, C] with a 3x3 filter at stride
 * 2, padding padT on top and padL on the left (below and right: whatever OH, OW imply; rows and
 * columns past x read as zeros); C % 4 == 0, K % 8 == 0, U from wino42Filter. Images [n0, n1).
 */
export function wino42Forward(
  x: usize, H: i32, W: i32, C: i32, padT: i32, padL: i32, U: usize, K: i32, OH: i32, OW: i32,
  bias: usize, y: usize, flags: i32, n0: i32, n1: i32, chunk: i32, ws: usize,
): void {
  const TH = (OH + 3) >> 2, TW = (OW + 3) >> 2;
  const tilesPer = TH * TW;
  const Cz = <usize>C, Cp = Cz << 2, Kz = <usize>K;
  chunk = (chunk + WG_ROWS - 1) / WG_ROWS * WG_ROWS;
  // Component strides of an odd number of cache lines (componentBytes): at chunk x 4C floats
  // (44 x 64 for 16 channels: 2.75 x 4 KB) every fourth of the 25 components a tile writes fell
  // in the same L1 sets.
  const vXi = componentBytes((<usize>chunk * Cp) << 2), mXi = componentBytes((<usize>chunk * Kz) << 2), uXi = (Cp * Kz) << 2;
  const V = ws; // [25][chunk][4C], components vXi bytes apart
  const M = V + 25 * vXi; // [25][chunk][K], components mXi bytes apart
  const tmp = M + 25 * mXi + 64; // 25 v128
  const patch = tmp + 25 * 16; // [10][10][C] gathered edge window
  const t0 = n0 * tilesPer, t1 = n1 * tilesPer;
  for (let tc = t0; tc < t1; tc += chunk) {
    const cnt = min(chunk, t1 - tc);
    const cntPad = (cnt + WG_ROWS - 1) / WG_ROWS * WG_ROWS;
    for (let t = 0; t < cntPad; t++) {
      const vt = V + ((<usize>t * Cp) << 2);
      if (t >= cnt) {
        for (let xi = 0; xi < 25; xi++) memory.fill(vt + <usize>xi * vXi, 0, Cp << 2);
        continue;
      }
      const tt = tc + t;
      const n = tt / tilesPer, rem = tt % tilesPer;
      transformTile(x, n, H, W, Cz, 8 * (rem / TW) - padT, 8 * (rem % TW) - padL, patch, tmp, vt, vXi);
    }
    // Between the GEMMs, touch the next chunk's input rows and this chunk's output rows (touch-ahead.ts).
    const nx = tc + cnt, nxLast = min(t1, nx + chunk) - 1;
    const xLo = tileRowAddress(x, nx, tilesPer, TW, 8, -padT, H, W, Cz);
    const xHi = nx < t1 ? tileRowAddress(x, nxLast, tilesPer, TW, 8, 10 - padT, H, W, Cz) : xLo;
    const yLo = tileRowAddress(y, tc, tilesPer, TW, 4, 0, OH, OW, Kz), yHi = tileRowAddress(y, nx - 1, tilesPer, TW, 4, 4, OH, OW, Kz);
    let touched = f32x4.splat(0);
    for (let xi = 0; xi < 25; xi++) {
      // Only the channels whose U_xi can be nonzero: [c0, c0 + kc).
      const range = phaseRange(xi);
      const c0 = <usize>(range & 255) * Cz, kc = <i32>(<usize>((range >> 8) - (range & 255)) * Cz);
      const vx = V + <usize>xi * vXi + (c0 << 2), mx = M + <usize>xi * mXi, ux = U + <usize>xi * uXi + (c0 << 5);
      // Four tiles x every 8-column panel per call (no row table, one call per row block): on the
      // AMD EPYC host 1.15x on the whole conv against a 4x8 call per panel (DESIGN.md section 53).
      for (let t = 0; t < cntPad; t += WG_ROWS) {
        wgRows4x8(kc, vx + ((<usize>t * Cp) << 2), Cp << 2, ux, Cp << 5, mx + ((<usize>t * Kz) << 2), Kz << 2, K >> 3);
      }
      touched = touchPart(xLo, xHi, xi, 25, touchPart(yLo, yHi, xi, 25, touched));
    }
    v128.store(tmp, touched); // keeps the loads (tmp is scratch the output transform overwrites)
    for (let t = 0; t < cnt; t++) {
      const tt = tc + t;
      const n = tt / tilesPer, rem = tt % tilesPer;
      outputTile(M + ((<usize>t * Kz) << 2), mXi, Kz, tmp, bias, flags, y, n, 4 * (rem / TW), 4 * (rem % TW), OH, OW);
    }
  }
}

/**
 * V of one tile (25 x 4C floats, components vXi bytes apart) = B^T X B per channel, X the 5x5
 * space-to-depth tile of the 10x10 input window at x[r0, q0]: read in place, with strides of two
 * rows and two pixels, when the window's first 9 rows and columns lie inside x, else from its copy
 * in patch. Only the components some GEMM reads (phaseRange) are written: a phase with a = 1 has
 * no row 4 (its U is zero there) and one with b = 1 no column 4, and those are the only ones that
 * read the window's row 9 (column 9), since B^T's last column is zero above its last row. So a
 * tile whose window ends one row (or column) past x reads in place too: with resnet8's padding 1,
 * 9 of 16 tiles at 16x16 outputs read in place (4 before), 1 of 4 at 8x8 (none before).
 */
// @ts-ignore: decorator
@inline export function transformTile(x: usize, n: i32, H: i32, W: i32, Cz: usize, r0: i32, q0: i32, patch: usize, tmp: usize, vt: usize, vXi: usize): void {
  let src = patch, row: usize = (10 * Cz) << 2;
  if (r0 >= 0 && r0 + 9 <= H && q0 >= 0 && q0 + 9 <= W) {
    src = f(x, <usize>((n * H + r0) * W + q0) * Cz);
    row = (<usize>W * Cz) << 2;
  } else {
    window10(x, n, H, W, Cz, r0, q0, patch);
  }
  const rs = 2 * row, cs = (2 * Cz) << 2;
  for (let a: usize = 0; a < 2; a++) {
    for (let b: usize = 0; b < 2; b++) {
      const ph = src + a * row + ((b * Cz) << 2);
      const o0 = vt + ((<usize>phaseSlot(<i32>a, <i32>b) * Cz) << 2);
      for (let c: usize = 0; c < Cz; c += 4) {
        const p = ph + (c << 2), o = o0 + (c << 2);
        if (a == 0 && b == 0) phaseTransform(p, rs, cs, tmp, o, vXi, false, false);
        else if (a == 0) phaseTransform(p, rs, cs, tmp, o, vXi, false, true);
        else if (b == 0) phaseTransform(p, rs, cs, tmp, o, vXi, true, false);
        else phaseTransform(p, rs, cs, tmp, o, vXi, true, true);
      }
    }
  }
}

/**
 * V = B^T X B of four channels of one phase (X: 5x5 at p, rows rs and columns cs bytes apart) into
 * the components at o (vXi bytes apart); `noRow4` (a = 1) skips row 4 of V and the row of X it
 * alone reads, `noCol4` (b = 1) column 4 likewise. Constant flags: four inlined copies.
 */
// @ts-ignore: decorator
@inline function phaseTransform(p: usize, rs: usize, cs: usize, tmp: usize, o: usize, vXi: usize, noRow4: bool, noCol4: bool): void {
  // columns: tmp[k][j] = (B^T X)[k][j]
  const cols: usize = noCol4 ? 4 : 5, rows: usize = noRow4 ? 4 : 5;
  for (let j: usize = 0; j < cols; j++) bt5(p + j * cs, rs, tmp + (j << 4), 80, noRow4);
  // rows: V[k * 5 + l] = (tmp[k] B)[l]
  for (let k: usize = 0; k < rows; k++) bt5(tmp + k * 80, 16, o + k * 5 * vXi, vXi, noCol4);
}

/** Y = A^T m A for one tile (m: 25 components mXi bytes apart, K floats each), + bias, relu, clipped to OH x OW. */
function outputTile(mt: usize, mXi: usize, Kz: usize, tmp: usize, bias: usize, flags: i32, y: usize, n: i32, oy: i32, ox: i32, OH: i32, OW: i32): void {
  const hasBias = (flags & 2) != 0, relu = (flags & 4) != 0;
  const zero = f32x4.splat(0), two = f32x4.splat(2), four = f32x4.splat(4), eight = f32x4.splat(8);
  const nr = min(4, OH - oy), nc = min(4, OW - ox);
  const yRow = (<usize>OW * Kz) << 2;
  const yb = f(y, <usize>((n * OH + oy) * OW + ox) * Kz);
  for (let k: usize = 0; k < Kz; k += 4) {
    const q = mt + (k << 2);
    // columns: tmp[r][j] = sum_i A^T[r][i] m[i][j]
    for (let j: usize = 0; j < 5; j++) {
      const p = q + j * mXi, ps = 5 * mXi;
      const m0 = v128.load(p), m1 = v128.load(p + ps), m2 = v128.load(p + 2 * ps), m3 = v128.load(p + 3 * ps), m4 = v128.load(p + 4 * ps);
      const a = f32x4.add(m1, m2), b = f32x4.sub(m1, m2);
      const w = tmp + (j << 4);
      v128.store(w, f32x4.add(f32x4.add(m0, a), m3));
      v128.store(w + 80, fma(two, m3, b));
      v128.store(w + 160, fma(four, m3, a));
      v128.store(w + 240, f32x4.add(fma(eight, m3, b), m4));
    }
    const bv = hasBias ? v128.load(bias + (k << 2)) : zero;
    for (let r = 0; r < nr; r++) {
      const p = tmp + <usize>r * 80;
      const m0 = v128.load(p), m1 = v128.load(p, 16), m2 = v128.load(p, 32), m3 = v128.load(p, 48), m4 = v128.load(p, 64);
      const a = f32x4.add(m1, m2), b = f32x4.sub(m1, m2);
      let y0 = f32x4.add(f32x4.add(f32x4.add(m0, a), m3), bv);
      let y1 = f32x4.add(fma(two, m3, b), bv);
      let y2 = f32x4.add(fma(four, m3, a), bv);
      let y3 = f32x4.add(f32x4.add(fma(eight, m3, b), m4), bv);
      if (relu) { y0 = relu4(y0); y1 = relu4(y1); y2 = relu4(y2); y3 = relu4(y3); }
      const o = yb + <usize>r * yRow + (k << 2);
      v128.store(o, y0);
      if (nc > 1) v128.store(o + (Kz << 2), y1);
      if (nc > 2) v128.store(o + (Kz << 3), y2);
      if (nc > 3) v128.store(o + 3 * (Kz << 2), y3);
    }
  }
}
