// Winograd F(2x2, 5x5) forward: 6x6 input tiles (the same input transform and GEMMs as F(4x4, 3x3),
// winograd4.ts), 2x2 output tiles, with bias, relu and an optional 2x2 pool fused into the output
// transform. For 5x5 convs (LeNet-5's second layer): 36 multiplies per 2x2 outputs instead of 100.
import { pool2x2At } from './pool';
import { f, relu4 } from './simd';
import { bt6, window6 } from './winograd4';
import { WG_ROWS, wgRows4xK } from './winograd-gemm';

// Points 0, 1, -1, 2, -2 and infinity, as F(4x4, 3x3) uses; the input transform B^T is bt6's (its
// rows 1 and 2 are the negated Toom-Cook rows, so G's rows 1 and 2 are negated here to match):
//   G = [ 1/4    0     0    0    0   ]     A^T = [ 1 1  1 1  1 0 ]
//       [-1/6  -1/6  -1/6 -1/6 -1/6  ]           [ 0 1 -1 2 -2 1 ]
//       [-1/6   1/6  -1/6  1/6 -1/6  ]
//       [ 1/24  1/12  1/6  1/3  2/3  ]
//       [ 1/24 -1/12  1/6 -1/3  2/3  ]
//       [  0     0     0    0    1   ]

/** Six values G [g0..g4] at dst (stride bytes apart). */
// @ts-ignore: decorator
@inline function g6of5(g0: f32, g1: f32, g2: f32, g3: f32, g4: f32, dst: usize, stride: usize): void {
  const even = g0 + g2 + g4, odd = g1 + g3;
  store<f32>(dst, g0 * <f32>0.25);
  store<f32>(dst + stride, (even + odd) * <f32>(-1.0 / 6.0));
  store<f32>(dst + 2 * stride, (even - odd) * <f32>(-1.0 / 6.0));
  const e = g0 * <f32>(1.0 / 24.0) + g2 * <f32>(1.0 / 6.0) + g4 * <f32>(2.0 / 3.0);
  const o = g1 * <f32>(1.0 / 12.0) + g3 * <f32>(1.0 / 3.0);
  store<f32>(dst + 3 * stride, e + o);
  store<f32>(dst + 4 * stride, e - o);
  store<f32>(dst + 5 * stride, g4);
}

/**
 * U_xi = (G g G^T)_xi (6x6) for filter g (HWIO 5x5xCxK, any K), as packB-style panels [Kp/8][C][8]
 * (Kp = K rounded up to 8, padding lanes zero; wino4FilterBytes bytes), for input channels [c0, c1)
 * (threads split channels). tmp: 120 bytes of scratch.
 */
export function wino25Filter(g: usize, C: i32, K: i32, U: usize, tmp: usize, c0: i32, c1: i32): void {
  const Kp = (K + 7) & ~7;
  const xiStride = (<usize>C * <usize>Kp) << 2;
  if (Kp != K) {
    const last = U + ((<usize>(Kp - 8) * <usize>C + <usize>c0 * 8) << 2);
    for (let xi: usize = 0; xi < 36; xi++) memory.fill(last + xi * xiStride, 0, (<usize>(c1 - c0) * 8) << 2);
  }
  const s = <usize>C * <usize>K; // floats between taps
  for (let c = c0; c < c1; c++) {
    for (let k = 0; k < K; k++) {
      const base = f(g, <usize>c * <usize>K + <usize>k);
      // t = G g: 6 rows x 5 columns (kw), row-major at tmp
      for (let j: usize = 0; j < 5; j++) {
        const col = base + ((j * s) << 2), rowS = (5 * s) << 2;
        g6of5(load<f32>(col), load<f32>(col + rowS), load<f32>(col + 2 * rowS), load<f32>(col + 3 * rowS), load<f32>(col + 4 * rowS), tmp + (j << 2), 20);
      }
      const dst = f(U, <usize>(k >> 3) * <usize>C * 8 + <usize>c * 8 + <usize>(k & 7));
      // u = t G^T: row i of u = G applied to row i of t
      for (let i: usize = 0; i < 6; i++) {
        const r = tmp + i * 20;
        g6of5(load<f32>(r), load<f32>(r, 4), load<f32>(r, 8), load<f32>(r, 12), load<f32>(r, 16), dst + i * 6 * xiStride, xiStride);
      }
    }
  }
}

/** Workspace bytes for wino25Forward with `chunk` tiles per pass (rounded up to WG_ROWS; M rows are K rounded up to 8). */
export function wino25WorkspaceBytes(C: i32, K: i32, chunk: i32): i32 {
  const rows = (chunk + WG_ROWS - 1) / WG_ROWS * WG_ROWS;
  return 36 * rows * (C + ((K + 7) & ~7)) * 4 + 36 * C * 4 + 36 * 16 + 256;
}

/**
 * Winograd F(2x2, 5x5) forward of a valid 5x5 stride-1 conv over images [n0, n1): x [N, H, W, C]
 * (C % 4 == 0), U from wino25Filter, y [N, H - 4, W - 4, K] (K % 4 == 0), flags 2 bias, 4 relu.
 * With `pooled` != 0 it also writes the 2x2 stride-2 pool of y (poolMode 0 max, 1 min) to pooled
 * [N, OH / 2, OW / 2, K] (floors): each whole 2x2 output tile is one pooling window. With y == 0
 * only the pool is written (each tile's outputs stay in the scratch).
 */
export function wino25Forward(
  x: usize, H: i32, W: i32, C: i32, U: usize, K: i32, bias: usize, y: usize, flags: i32,
  n0: i32, n1: i32, chunk: i32, ws: usize, pooled: usize, poolMode: i32,
): void {
  chunk = (chunk + WG_ROWS - 1) / WG_ROWS * WG_ROWS;
  const OH = H - 4, OW = W - 4;
  const TH = (OH + 1) >> 1, TW = (OW + 1) >> 1;
  const tilesPer = TH * TW;
  const Cz = <usize>C, Kz = <usize>K, Kp = <usize>((K + 7) & ~7);
  const V = ws; // [36][chunk][C]
  const M = V + ((36 * <usize>chunk * Cz) << 2); // [36][chunk][Kp]
  const tmp = M + ((36 * <usize>chunk * Kp) << 2) + 64; // 36 v128
  const patch = tmp + 36 * 16; // [36][C] gathered edge patch
  const vXi = (<usize>chunk * Cz) << 2;
  const mXi = (<usize>chunk * Kp) << 2;
  const uXi = (Cz * Kp) << 2;
  const rowB = (<usize>W * Cz) << 2;
  const t0 = n0 * tilesPer, t1 = n1 * tilesPer;
  const cs = Cz << 2;
  for (let tc = t0; tc < t1; tc += chunk) {
    const cnt = min(chunk, t1 - tc);
    const cntPad = (cnt + WG_ROWS - 1) / WG_ROWS * WG_ROWS;
    // V = B^T d B of every tile of the chunk (rows past cnt zero: the GEMM runs whole WG_ROWS blocks).
    for (let t = 0; t < cntPad; t++) {
      const vt = V + ((<usize>t * Cz) << 2);
      if (t >= cnt) {
        for (let xi = 0; xi < 36; xi++) memory.fill(vt + <usize>xi * vXi, 0, Cz << 2);
        continue;
      }
      const tt = tc + t;
      const n = tt / tilesPer, rem = tt % tilesPer, ty = rem / TW, tx = rem % TW;
      const src = window6(x, n, H, W, Cz, ty * 2, tx * 2, patch);
      const rs: usize = src == patch ? (6 * Cz) << 2 : rowB;
      for (let c: usize = 0; c < Cz; c += 4) {
        const p = src + (c << 2);
        for (let j: usize = 0; j < 6; j++) bt6(p + j * cs, rs, tmp + (j << 4), 96);
        const o = vt + (c << 2);
        for (let k: usize = 0; k < 6; k++) bt6(tmp + k * 96, 16, o + k * 6 * vXi, vXi);
      }
    }
    // M_xi = V_xi U_xi: 36 GEMMs [tiles x C][C x K], four tiles x all K columns a call (M's
    // padding columns past K are not written, nor read).
    for (let xi = 0; xi < 36; xi++) {
      const vx = V + <usize>xi * vXi, mx = M + <usize>xi * mXi, ux = U + <usize>xi * uXi;
      for (let t = 0; t < cntPad; t += WG_ROWS) {
        wgRows4xK(C, vx + ((<usize>t * Cz) << 2), Cz << 2, ux, Cz << 5, mx + ((<usize>t * Kp) << 2), Kp << 2, K);
      }
    }
    for (let t = 0; t < cnt; t++) outputTile(tmp, tc + t, M + ((<usize>t * Kp) << 2), mXi, tilesPer, TW, OH, OW, Kz, bias, y, flags, pooled, poolMode);
  }
}

/** 1-D output transform o = A^T m on six vectors at p (stride ps), written at q (stride qs). */
// @ts-ignore: decorator
@inline function at2(p: usize, ps: usize, q: usize, qs: usize): void {
  const m0 = v128.load(p), m1 = v128.load(p + ps), m2 = v128.load(p + 2 * ps);
  const m3 = v128.load(p + 3 * ps), m4 = v128.load(p + 4 * ps), m5 = v128.load(p + 5 * ps);
  // o0 = m0 + m1 + m2 + m3 + m4; o1 = m1 - m2 + 2 (m3 - m4) + m5
  v128.store(q, f32x4.add(f32x4.add(m0, f32x4.add(m1, m2)), f32x4.add(m3, m4)));
  const d = f32x4.sub(m3, m4);
  v128.store(q + qs, f32x4.add(f32x4.add(f32x4.sub(m1, m2), f32x4.add(d, d)), m5));
}

/**
 * y of one tile = A^T m A (+ bias, relu) for its 2x2 outputs that lie inside the image, and their
 * pooled value when the tile is a whole window. m: the tile's 36 GEMM outputs, mXi bytes apart;
 * tmp: 256 bytes of scratch.
 */
function outputTile(
  tmp: usize, tt: i32, mt: usize, mXi: usize, tilesPer: i32, TW: i32, OH: i32, OW: i32, Kz: usize, bias: usize, y: usize, flags: i32,
  pooled: usize, poolMode: i32,
): void {
  const n = tt / tilesPer, rem = tt % tilesPer, ty = rem / TW, tx = rem % TW;
  const oy = ty * 2, ox = tx * 2;
  const two = oy + 1 < OH, right = ox + 1 < OW;
  // y == 0 (the pool alone): the tile goes to 64 bytes of tmp (after the 256 the transform uses).
  const kB: usize = y != 0 ? Kz << 2 : 16, yRow: usize = y != 0 ? <usize>OW * (Kz << 2) : 32;
  const yb = f(y, <usize>((n * OH + oy) * OW + ox) * Kz);
  const hasBias = (flags & 2) != 0, relu = (flags & 4) != 0;
  const POH = OH >> 1, POW = OW >> 1;
  const pool = pooled != 0 && two && right;
  const prow = pool ? pooled + ((<usize>((n * POH + ty) * POW + tx) * Kz) << 2) : 0;
  if (y == 0 && !pool) return;
  for (let k: usize = 0; k < Kz; k += 4) {
    const q = mt + (k << 2);
    // columns: tmp[r][j] = (A^T m)[r][j]
    for (let j: usize = 0; j < 6; j++) at2(q + j * mXi, 6 * mXi, tmp + (j << 4), 96);
    // rows: y[r] = A^T tmp[r]
    at2(tmp, 16, tmp + 192, 16);
    at2(tmp + 96, 16, tmp + 224, 16);
    let a0 = v128.load(tmp + 192), a1 = v128.load(tmp + 208), b0 = v128.load(tmp + 224), b1 = v128.load(tmp + 240);
    if (hasBias) {
      const bv = v128.load(bias + (k << 2));
      a0 = f32x4.add(a0, bv); a1 = f32x4.add(a1, bv); b0 = f32x4.add(b0, bv); b1 = f32x4.add(b1, bv);
    }
    if (relu) { a0 = relu4(a0); a1 = relu4(a1); b0 = relu4(b0); b1 = relu4(b1); }
    const o = y != 0 ? yb + (k << 2) : tmp + 256;
    v128.store(o, a0);
    if (right) v128.store(o + kB, a1);
    if (two) {
      v128.store(o + yRow, b0);
      if (right) v128.store(o + yRow + kB, b1);
    }
    if (pool) v128.store(prow + (k << 2), pool2x2At(poolMode, o, o + yRow, kB));
  }
}
