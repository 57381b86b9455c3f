// Winograd F(4x4, 3x3) filter gradient over fixed image blocks (partials summed in order).
import { f, fma, fms } from './simd';
import { componentBytes, WG_ROWS, wgRows4x8, wgRows4x8Acc } from './winograd-gemm';
import { bt6, window6 } from './winograd4';
import { tileRowAddress, touchPart } from './touch-ahead';

// Winograd F(4x4, 3x3) filter gradient.
//   dU_xi = sum_tiles V_xi^T (A dY A^T)_xi,   dW = G^T dU G   (per c, k; 6x6 -> 3x3)
// V is the forward input transform, written transposed (each channel's tiles contiguous: the
// GEMM's A rows); the output-gradient transform A dY A^T (6x4 . 4x4 . 4x6) is written directly as
// packed B panels [K/8][tiles][8], so the GEMM needs no packing.

/** 1-D A y: four vectors -> six at q (stride qs): y0, sum, alternating sum, +-2/4/8 rows, y3. */
// @ts-ignore: decorator
@inline function at6(y0: v128, y1: v128, y2: v128, y3: v128, q: usize, qs: usize): void {
  const two = f32x4.splat(2), four = f32x4.splat(4);
  const e = f32x4.add(y0, y2), o = f32x4.add(y1, y3);
  const e4 = fma(four, y2, y0); // y0 + 4 y2
  const o4 = fma(four, y3, y1); // y1 + 4 y3
  v128.store(q, y0);
  v128.store(q + qs, f32x4.add(e, o));
  v128.store(q + 2 * qs, f32x4.sub(e, o));
  v128.store(q + 3 * qs, fma(two, o4, e4)); // y0 + 2y1 + 4y2 + 8y3
  v128.store(q + 4 * qs, fms(two, o4, e4)); // y0 - 2y1 + 4y2 - 8y3
  v128.store(q + 5 * qs, y3);
}

/**
 * (A g A^T) for four channels of one 4x4 output-gradient tile at q (pixel stride ps, row stride
 * yRow bytes; only the top-left nr x nc of it lies inside dy, the rest counts as zeros): the
 * 36 vectors go to dst + xi * xiStride (xi = i * 6 + l). tmp: 24 v128 of scratch.
 */
// @ts-ignore: decorator
@inline export function dyTile(q: usize, ps: usize, yRow: usize, nr: i32, nc: i32, tmp: usize, dst: usize, xiStride: usize): void {
  const zero = f32x4.splat(0);
  // columns: for each dy column j, 4 rows -> 6 (tmp[i][j], i < 6, j < 4)
  for (let j = 0; j < 4; j++) {
    const p = q + <usize>j * ps;
    const ok = j < nc;
    const g0 = ok ? v128.load(p) : zero;
    const g1 = ok && nr > 1 ? v128.load(p + yRow) : zero;
    const g2 = ok && nr > 2 ? v128.load(p + 2 * yRow) : zero;
    const g3 = ok && nr > 3 ? v128.load(p + 3 * yRow) : zero;
    at6(g0, g1, g2, g3, tmp + (<usize>j << 4), 64);
  }
  // rows: tmp[i][0..3] -> six values each
  for (let i: usize = 0; i < 6; i++) {
    const r = tmp + i * 64;
    at6(v128.load(r), v128.load(r, 16), v128.load(r, 32), v128.load(r, 48), dst + i * 6 * xiStride, xiStride);
  }
}

/** Tiles per GEMM pass of the filter gradient: the chunk rounded down to a multiple of 4 (>= 4). */
// @ts-ignore: decorator
@inline function passTiles(chunk: i32): i32 {
  return max(4, chunk & ~3);
}

/** Rows of a dU partial per component: C rounded up to whole WG_ROWS blocks. */
// @ts-ignore: decorator
@inline function dURows(C: i32): i32 {
  return (C + WG_ROWS - 1) / WG_ROWS * WG_ROWS;
}

/** Workspace bytes for wino4BackpropFilter. */
export function wino4FilterGradWorkspaceBytes(C: i32, K: i32, chunk: i32): i32 {
  const Kp = (K + 7) & ~7, cp = passTiles(chunk);
  return 36 * cp * dURows(C) * 4 + 36 * <i32>componentBytes((<usize>cp * <usize>Kp) << 2) + 4 * 36 * C * 4 + 36 * 16 * 6 + 256;
}

/**
 * Bytes of one dU partial: 36 components of [roundUp(C, WG_ROWS) x roundUp(K, 8)] floats, dUComponentBytes
 * apart (the rows past C, if any, are the GEMM's padding; wino25BackpropFilterPart uses the first
 * 36 x C x roundUp(K, 8) floats).
 */
export function wino4FilterGradPartBytes(C: i32, K: i32): i32 {
  return 36 * <i32>dUComponentBytes(C, (K + 7) & ~7);
}

/**
 * Bytes between two components of a dU partial (componentBytes): [dURows(C) x Kp] floats are a
 * power-of-two multiple of 4 KB for every cifar-vgg layer, so the finish's 36 x parts loads per
 * output group all fell in one L1 set.
 */
// @ts-ignore: decorator
@inline function dUComponentBytes(C: i32, Kp: i32): usize {
  return componentBytes((<usize>dURows(C) * <usize>Kp) << 2);
}

/**
 * One fixed part of the filter gradient: images [part * perPart, min(N, (part + 1) * perPart)) into
 * the dU partial at dUs + part * partStride. Parts are fixed whatever the thread count, and
 * wino4FilterGradFinish sums them in order, so results do not depend on scheduling.
 */
export function wino4BackpropFilterPart(
  x: usize, H: i32, W: i32, C: i32, padT: i32, padL: i32, dy: usize, OH: i32, OW: i32, K: i32, N: i32, perPart: i32, part: i32,
  chunk: i32, dUs: usize, partStride: usize, ws: usize,
): void {
  const n0 = part * perPart, n1 = min(N, n0 + perPart);
  wino4BackpropFilter(x, H, W, C, padT, padL, dy, OH, OW, K, n0, n1, chunk, dUs + <usize>part * partStride, ws);
}

/**
 * The input transforms of four tiles (tile j's 6x6 window at src[j], rows rs[j] bytes apart; src 0
 * for a padding tile, all zeros), four channels [c, c + 4), transposed so each channel's four tiles
 * are one vector: VT[xi][c + i][t .. t + 4) at vt + xi * vXi + i * rowB. quad: 4 x 36 v128,
 * tmp: 36 v128 of scratch.
 */
function inputQuadT(src: usize, rs: usize, c: usize, cs: usize, quad: usize, tmp: usize, vt: usize, vXi: usize, rowB: usize): void {
  const zero = f32x4.splat(0);
  for (let j: usize = 0; j < 4; j++) {
    const q = quad + j * 576;
    const s = load<u32>(src + (j << 2));
    if (s == 0) {
      for (let xi: usize = 0; xi < 36; xi++) v128.store(q + (xi << 4), zero);
      continue;
    }
    const p = <usize>s + (c << 2), r = <usize>load<u32>(rs + (j << 2));
    for (let i: usize = 0; i < 6; i++) bt6(p + i * cs, r, tmp + (i << 4), 96);
    for (let k: usize = 0; k < 6; k++) bt6(tmp + k * 96, 16, q + k * 96, 16);
  }
  for (let xi: usize = 0; xi < 36; xi++) {
    const o = xi << 4;
    const r0 = v128.load(quad + o), r1 = v128.load(quad + 576 + o), r2 = v128.load(quad + 1152 + o), r3 = v128.load(quad + 1728 + o);
    // 4x4 transpose: lanes were channels, rows tiles
    const l01 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), h01 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
    const l23 = i32x4.shuffle(r2, r3, 0, 4, 1, 5), h23 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
    const d = vt + xi * vXi;
    v128.store(d, i32x4.shuffle(l01, l23, 0, 1, 4, 5));
    v128.store(d + rowB, i32x4.shuffle(l01, l23, 2, 3, 6, 7));
    v128.store(d + 2 * rowB, i32x4.shuffle(h01, h23, 0, 1, 4, 5));
    v128.store(d + 3 * rowB, i32x4.shuffle(h01, h23, 2, 3, 6, 7));
  }
}

/**
 * Computes dU (36 x [roundUp(C, WG_ROWS) x Kp], overwritten; rows past C are padding) over images
 * [n0, n1) for a 3x3 stride-1 conv of x [N, H, W, C] zero-padded by padT rows above and padL
 * columns left (read in place: edge windows are gathered with zeros) with output gradient dy
 * [N, OH, OW, K];
 * ws is scratch (wino4FilterGradWorkspaceBytes). C % 4 == 0, K % 4 == 0. Finish with
 * wino4FilterGradFinish4.
 *
 * The GEMM dU_xi (+)= V_xi^T G_xi runs on wgRows4x8(Acc) (four channels x all Kp/8 panels per call): the
 * input transform writes V transposed, VT [36][roundUp(C, WG_ROWS)][cp] (each channel's tiles
 * contiguous, four tiles transposed at a time), so the depth (tiles) is contiguous in A; the
 * output-gradient transform writes packed panels G [36][Kp/8][cp][8]. A pass takes cp tiles
 * (passTiles), its last partial group of four padded with zero tiles.
 */
export function wino4BackpropFilter(
  x: usize, H: i32, W: i32, C: i32, padT: i32, padL: i32, dy: usize, OH: i32, OW: i32, K: i32, n0: i32, n1: i32,
  chunk: i32, dU: usize, ws: usize,
): void {
  const TH = (OH + 3) >> 2, TW = (OW + 3) >> 2;
  const tilesPer = TH * TW;
  const Cz = <usize>C, Kz = <usize>K, Kp = <usize>((K + 7) & ~7), Cr = <usize>dURows(C);
  const cp = passTiles(chunk), cpz = <usize>cp;
  const VT = ws; // [36][Cr][cp]
  const G = VT + ((36 * cpz * Cr) << 2); // [36][Kp/8][cp][8], components gXi bytes apart (componentBytes)
  const gXi = componentBytes((cpz * Kp) << 2);
  const quad = G + 36 * gXi; // 4 x 36 v128
  const tmp = quad + 4 * 576; // 36 v128
  const srcs = tmp + 576; // 4 window addresses, then their 4 row strides
  const patch = srcs + 32; // 4 x [36][C] gathered edge windows
  const vXi = (cpz * Cr) << 2;
  const uXi = dUComponentBytes(C, <i32>Kp);
  const rowT = cpz << 2; // one channel's row of VT
  const rowB = (<usize>W * Cz) << 2;
  const cs = Cz << 2;
  const yRow = (<usize>OW * Kz) << 2;
  // VT's padding rows (channels C .. Cr) stay zero.
  if (Cr != Cz) for (let xi: usize = 0; xi < 36; xi++) memory.fill(VT + xi * vXi + Cz * rowT, 0, (Cr - Cz) * rowT);
  const t0 = n0 * tilesPer, t1 = n1 * tilesPer;
  // The first pass writes dU, later ones add to it; a part with no images leaves it zero.
  if (t1 <= t0) memory.fill(dU, 0, 36 * uXi);
  for (let tc = t0; tc < t1; tc += cp) {
    const cnt = min(cp, t1 - tc);
    const cnt4 = (cnt + 3) & ~3;
    if (Kp != Kz || cnt4 != cnt) memory.fill(G, 0, 36 * gXi);
    for (let g = 0; g < cnt4; g += 4) {
      // the four tiles' windows (0: a padding tile)
      for (let j = 0; j < 4; j++) {
        const t = g + j;
        let s: usize = 0, r: usize = 0;
        if (t < cnt) {
          const tt = tc + t;
          const n = tt / tilesPer, rem = tt % tilesPer, ty = rem / TW, tx = rem % TW;
          const pj = patch + ((<usize>j * 36 * Cz) << 2);
          s = window6(x, n, H, W, Cz, ty * 4 - padT, tx * 4 - padL, pj);
          r = s == pj ? (6 * Cz) << 2 : rowB;
          // output-gradient transform: (A g A^T), g = 4x4 dy tile (zeros outside the output)
          const oy = ty * 4, ox = tx * 4;
          const nr = min(4, OH - oy), nc = min(4, OW - ox);
          const yb = f(dy, <usize>((n * OH + oy) * OW + ox) * Kz);
          for (let k: usize = 0; k < Kz; k += 4) {
            const dst = G + ((((k >> 3) * cpz + <usize>t) * 8 + (k & 7)) << 2);
            dyTile(yb + (k << 2), Kz << 2, yRow, nr, nc, tmp, dst, gXi);
          }
        }
        store<u32>(srcs + (<usize>j << 2), <u32>s);
        store<u32>(srcs + 16 + (<usize>j << 2), <u32>r);
      }
      const vt = VT + (<usize>g << 2);
      for (let c: usize = 0; c < Cz; c += 4) inputQuadT(srcs, srcs + 16, c, cs, quad, tmp, vt + c * rowT, vXi, rowT);
    }
    // Between the GEMMs, touch the next pass's x and dy rows, 1/36 of each per component
    // (touch-ahead.ts): the transforms read them next.
    const nx = tc + cnt, nxLast = min(t1, nx + cp) - 1, more = nx < t1;
    const xLo = tileRowAddress(x, nx, tilesPer, TW, 4, -padT, H, W, Cz);
    const xHi = more ? tileRowAddress(x, nxLast, tilesPer, TW, 4, 6 - padT, H, W, Cz) : xLo;
    const yLo = tileRowAddress(dy, nx, tilesPer, TW, 4, 0, OH, OW, Kz);
    const yHi = more ? tileRowAddress(dy, nxLast, tilesPer, TW, 4, 4, OH, OW, Kz) : yLo;
    let touched = f32x4.splat(0);
    // 36 GEMMs: dU_xi [Cr x Kp] += VT_xi [Cr x cnt4] G_xi [cnt4 x Kp]
    for (let xi: usize = 0; xi < 36; xi++) {
      const vx = VT + xi * vXi, gx = G + xi * gXi, ux = dU + xi * uXi;
      for (let c: usize = 0; c < Cr; c += WG_ROWS) {
        if (tc == t0) wgRows4x8(cnt4, vx + c * rowT, rowT, gx, cpz << 5, ux + ((c * Kp) << 2), Kp << 2, <i32>(Kp >> 3));
        else wgRows4x8Acc(cnt4, vx + c * rowT, rowT, gx, cpz << 5, ux + ((c * Kp) << 2), Kp << 2, <i32>(Kp >> 3));
      }
      touched = touchPart(xLo, xHi, xi, 36, touchPart(yLo, yHi, xi, 36, touched));
    }
    v128.store(tmp, touched); // keeps the loads (tmp is scratch the transforms overwrite)
  }
}


/** 1-D G^T on six vectors -> three (as gt3, four lanes at a time). */
// @ts-ignore: decorator
@inline function gt3v(u0: v128, u1: v128, u2: v128, u3: v128, u4: v128, u5: v128, dst: usize, stride: usize): void {
  const s12 = f32x4.add(u1, u2), d12 = f32x4.sub(u1, u2), s34 = f32x4.add(u3, u4), d34 = f32x4.sub(u3, u4);
  const sixth = f32x4.splat(<f32>(1.0 / 6.0));
  v128.store(dst, f32x4.add(f32x4.sub(f32x4.mul(u0, f32x4.splat(0.25)), f32x4.mul(s12, sixth)), f32x4.mul(s34, f32x4.splat(<f32>(1.0 / 24.0)))));
  v128.store(dst + stride, f32x4.add(f32x4.mul(f32x4.neg(d12), sixth), f32x4.mul(d34, f32x4.splat(<f32>(1.0 / 12.0)))));
  v128.store(dst + 2 * stride, f32x4.add(f32x4.add(f32x4.mul(f32x4.neg(s12), sixth), f32x4.mul(s34, sixth)), u5));
}

/**
 * wino4FilterGradFinish for K % 4 == 0, four output channels per SIMD lane group: sums the `parts`
 * dU blocks in order (the same float32 additions as adding them pairwise into the first) and
 * applies G^T . G, for input channels [c0, c1). tmp: 1 KB of scratch.
 */
export function wino4FilterGradFinish4(dUs: usize, parts: i32, partStride: usize, C: i32, K: i32, dw: usize, flags: i32, tmp: usize, c0: i32, c1: i32): void {
  const Kp = (K + 7) & ~7;
  const uXi = dUComponentBytes(C, Kp);
  const h = tmp + 36 * 16;
  const o = h + 18 * 16;
  for (let c = c0; c < c1; c++) {
    for (let k = 0; k < K; k += 4) {
      const off = (<usize>(c * Kp + k)) << 2;
      for (let xi: usize = 0; xi < 36; xi++) {
        let s = v128.load(dUs + xi * uXi + off);
        for (let p = 1; p < parts; p++) s = f32x4.add(s, v128.load(dUs + <usize>p * partStride + xi * uXi + off));
        v128.store(tmp + (xi << 4), s);
      }
      // rows: h[i][kw] = G^T over j of dU[i][j] (6 x 3 vectors)
      for (let i: usize = 0; i < 6; i++) {
        const r = tmp + i * 96;
        gt3v(v128.load(r), v128.load(r, 16), v128.load(r, 32), v128.load(r, 48), v128.load(r, 64), v128.load(r, 80), h + i * 48, 16);
      }
      // columns: o[kh][kw] = G^T over i of h[i][kw]
      for (let kw: usize = 0; kw < 3; kw++) {
        const q = h + (kw << 4);
        gt3v(v128.load(q), v128.load(q, 48), v128.load(q, 96), v128.load(q, 144), v128.load(q, 192), v128.load(q, 240), o + (kw << 4), 48);
      }
      for (let q: usize = 0; q < 9; q++) {
        const d = f(dw, (q * <usize>C + <usize>c) * <usize>K + <usize>k);
        const v = v128.load(o + (q << 4));
        v128.store(d, flags & 1 ? f32x4.add(v128.load(d), v) : v);
      }
    }
  }
}
