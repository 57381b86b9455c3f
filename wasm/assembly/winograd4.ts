// Winograd F(4x4, 3x3) forward: 6x6 input tiles, 36 GEMMs per chunk, 4x4 output tiles, with
// bias, relu and an optional 2x2 pool fused into the output transform.
import { pool2x2At } from './pool';
import { f, fma, fms, relu4 } from './simd';
import { tileRowAddress, touchPart } from './touch-ahead';
import { componentBytes, WG_ROWS, wgRows4x8 } from './winograd-gemm';

// Winograd F(4x4, 3x3): 6x6 input tiles, 36 GEMMs per chunk, 4x4 output tiles.
// B^T, G, A^T are the standard interpolation-point (0, +-1, +-2) matrices (Lavin & Gray 2016).

/** Bytes of U for wino4Filter: 36 packed [C x roundUp(K, 8)] panels. */
export function wino4FilterBytes(C: i32, K: i32): i32 {
  return 36 * C * ((K + 7) & ~7) * 4;
}

// @ts-ignore: decorator
@inline function g6(g0: f32, g1: f32, g2: f32, dst: usize, stride: usize): void {
  const s0 = g0 + g2;
  store<f32>(dst, g0 * <f32>0.25);
  store<f32>(dst + stride, (s0 + g1) * <f32>(-1.0 / 6.0));
  store<f32>(dst + 2 * stride, (s0 - g1) * <f32>(-1.0 / 6.0));
  const t = g0 * <f32>(1.0 / 24.0) + g2 * <f32>(1.0 / 6.0);
  store<f32>(dst + 3 * stride, t + g1 * <f32>(1.0 / 12.0));
  store<f32>(dst + 4 * stride, t - g1 * <f32>(1.0 / 12.0));
  store<f32>(dst + 5 * stride, g2);
}

/** g6 on four lanes: six vectors G [g0 g1 g2] at dst (stride bytes apart). Same operations. */
// @ts-ignore: decorator
@inline function g6v(g0: v128, g1: v128, g2: v128, dst: usize, stride: usize): void {
  const s0 = f32x4.add(g0, g2);
  const sixth = f32x4.splat(<f32>(-1.0 / 6.0)), twelfth = f32x4.splat(<f32>(1.0 / 12.0));
  v128.store(dst, f32x4.mul(g0, f32x4.splat(0.25)));
  v128.store(dst + stride, f32x4.mul(f32x4.add(s0, g1), sixth));
  v128.store(dst + 2 * stride, f32x4.mul(f32x4.sub(s0, g1), sixth));
  const t = f32x4.add(f32x4.mul(g0, f32x4.splat(<f32>(1.0 / 24.0))), f32x4.mul(g2, f32x4.splat(<f32>(1.0 / 6.0))));
  v128.store(dst + 3 * stride, f32x4.add(t, f32x4.mul(g1, twelfth)));
  v128.store(dst + 4 * stride, f32x4.sub(t, f32x4.mul(g1, twelfth)));
  v128.store(dst + 5 * stride, g2);
}

/** Input channels per block of wino4Filter's vector path (the scratch S holds [36][8][8] floats). */
const FILTER_BLOCK = 8;

/** Scratch bytes wino4Filter needs at `tmp` (column pass, then the block's 36 components). */
export function wino4FilterTmpBytes(): i32 {
  return 288 + 36 * FILTER_BLOCK * 32;
}

/**
 * U_xi = (G g G^T)_xi (6x6) for filter g (HWIO 3x3xCxK), as packB-style panels [K/8][C][8], for
 * input channels [c0, c1) (threads split channels). tmp: wino4FilterTmpBytes of scratch.
 */
export function wino4Filter(g: usize, C: i32, K: i32, U: usize, tmp: usize, c0: i32, c1: i32): void {
  if ((K & 3) == 0) wino4FilterBlocks(g, C, K, U, tmp, c0, c1);
  else wino4FilterScalar(g, C, K, U, tmp, c0, c1);
}

/**
 * wino4Filter for K % 4 == 0, a block of FILTER_BLOCK input channels x one panel (8 output channels)
 * at a time: the block's 36 components go to the scratch S first, then each is copied to U as one
 * contiguous run. Written straight to U, a (c, k) pair's 36 vectors land C x Kp x 4 bytes apart, a
 * multiple of 4 KB for every cifar-vgg layer, so all in one L1 set: each store evicted a line the
 * next (c, k) needed (c5 64 -> 128: 0.5 ms per transform).
 */
function wino4FilterBlocks(g: usize, C: i32, K: i32, U: usize, tmp: usize, c0: i32, c1: i32): void {
  const Kp = (K + 7) & ~7;
  const xiStride = (<usize>C * <usize>Kp) << 2;
  const s = <usize>C * <usize>K;
  const S = tmp + 288;
  const zero = f32x4.splat(0);
  for (let cb = c0; cb < c1; cb += FILTER_BLOCK) {
    const nb = min(FILTER_BLOCK, c1 - cb);
    const runB = <usize>nb << 5; // one component's bytes of this block in a panel
    for (let p = 0; p < Kp; p += 8) {
      for (let i = 0; i < nb; i++) {
        const c = cb + i;
        for (let h = 0; h < 8; h += 4) {
          const dst = S + (<usize>i << 5) + (<usize>h << 2);
          const k = p + h;
          if (k >= K) {
            for (let xi: usize = 0; xi < 36; xi++) v128.store(dst + xi * runB, zero);
            continue;
          }
          const base = f(g, <usize>c * <usize>K + <usize>k);
          for (let j: usize = 0; j < 3; j++) {
            g6v(v128.load(base + ((j * s) << 2)), v128.load(base + (((3 + j) * s) << 2)), v128.load(base + (((6 + j) * s) << 2)), tmp + (j << 4), 48);
          }
          for (let r: usize = 0; r < 6; r++) {
            const t = tmp + r * 48;
            g6v(v128.load(t), v128.load(t, 16), v128.load(t, 32), dst + r * 6 * runB, runB);
          }
        }
      }
      const out = f(U, <usize>p * <usize>C + (<usize>cb << 3));
      for (let xi: usize = 0; xi < 36; xi++) {
        const from = S + xi * runB, to = out + xi * xiStride;
        for (let o: usize = 0; o < runB; o += 16) v128.store(to + o, v128.load(from + o));
      }
    }
  }
}

/** wino4Filter for K % 4 != 0: one (c, k) pair at a time on scalars (padding lanes zeroed first). */
function wino4FilterScalar(g: usize, C: i32, K: i32, U: usize, tmp: usize, c0: i32, c1: i32): void {
  const Kp = (K + 7) & ~7;
  const xiStride = (<usize>C * <usize>Kp) << 2;
  if (Kp != K) {
    // Zero the padding lanes of the last panel (rows c0..c1 of every xi).
    const last = U + ((<usize>(Kp - 8) * <usize>C + <usize>c0 * 8) << 2);
    for (let xi: usize = 0; xi < 36; xi++) memory.fill(last + xi * xiStride, 0, (<usize>(c1 - c0) * 8) << 2);
  }
  const s = <usize>C * <usize>K;
  for (let c = c0; c < c1; c++) {
    for (let k = 0; k < K; k++) {
      const base = <usize>c * <usize>K + <usize>k;
      // t = G g: 6x3, stored row-major at tmp (f32)
      for (let j: usize = 0; j < 3; j++) {
        g6(load<f32>(f(g, base + j * s)), load<f32>(f(g, base + (3 + j) * s)), load<f32>(f(g, base + (6 + j) * s)), tmp + (j << 2), 12);
      }
      const dst = f(U, <usize>(k >> 3) * <usize>C * 8 + <usize>c * 8 + <usize>(k & 7));
      // u = t G^T: row i of u = G applied to row i of t
      for (let i: usize = 0; i < 6; i++) {
        const r = tmp + i * 12;
        g6(load<f32>(r), load<f32>(r, 4), load<f32>(r, 8), dst + i * 6 * xiStride, xiStride);
      }
    }
  }
}

/** 1-D input transform o = B^T d on six vectors at p (stride ps), written at q (stride qs). */
// @ts-ignore: decorator
@inline export function bt6(p: usize, ps: usize, q: usize, qs: usize): void {
  const d0 = v128.load(p), d1 = v128.load(p + ps), d2 = v128.load(p + 2 * ps);
  const d3 = v128.load(p + 3 * ps), d4 = v128.load(p + 4 * ps), d5 = v128.load(p + 5 * ps);
  const four = f32x4.splat(4), five = f32x4.splat(5), two = f32x4.splat(2);
  // o0 = 4d0 - 5d2 + d4; o5 = 4d1 - 5d3 + d5
  v128.store(q, fms(five, d2, fma(four, d0, d4)));
  v128.store(q + 5 * qs, fms(five, d3, fma(four, d1, d5)));
  // o1 = -4(d1 + d2) + d3 + d4; o2 = 4(d1 - d2) - d3 + d4
  const a = f32x4.add(d3, d4), b = f32x4.sub(d4, d3);
  v128.store(q + qs, fms(four, f32x4.add(d1, d2), a));
  v128.store(q + 2 * qs, fma(four, f32x4.sub(d1, d2), b));
  // o3 = 2(d3 - d1) + d4 - d2; o4 = 2(d1 - d3) + d4 - d2
  const e = f32x4.sub(d4, d2), h = f32x4.sub(d3, d1);
  v128.store(q + 3 * qs, fma(two, h, e));
  v128.store(q + 4 * qs, fms(two, h, e));
}

/**
 * The n x n input window at (iy, ix) of image b of x [N, H, W, C] (iy, ix may be negative or run
 * past the image: the zero padding of a 'same' conv, read in place): its address in x when it
 * lies inside, else `patch`, filled with the window (one copy per row, zeros outside the image;
 * its rows are n * C floats apart). Every Winograd tile size gathers through it.
 */
// @ts-ignore: decorator
@inline export function windowN(x: usize, b: i32, H: i32, W: i32, Cz: usize, iy: i32, ix: i32, n: i32, patch: usize): usize {
  if (iy >= 0 && ix >= 0 && iy + n <= H && ix + n <= W) return f(x, <usize>((b * H + iy) * W + ix) * Cz);
  const rowBytes: usize = (<usize>n * Cz) << 2;
  const j0 = max(0, -ix), j1 = min(n, W - ix);
  const before = (<usize>j0 * Cz) << 2, inside = j1 > j0 ? (<usize>(j1 - j0) * Cz) << 2 : 0;
  for (let i = 0; i < n; i++) {
    const d = patch + <usize>i * rowBytes;
    const sy = iy + i;
    if (sy < 0 || sy >= H || inside == 0) { memory.fill(d, 0, rowBytes); continue; }
    if (before != 0) memory.fill(d, 0, before);
    memory.copy(d + before, f(x, <usize>((b * H + sy) * W + ix + j0) * Cz), inside);
    if (before + inside < rowBytes) memory.fill(d + before + inside, 0, rowBytes - before - inside);
  }
  return patch;
}

/** The 6x6 window of F(4x4, 3x3) and F(2x2, 5x5) (windowN). */
// @ts-ignore: decorator
@inline export function window6(x: usize, n: i32, H: i32, W: i32, Cz: usize, iy: i32, ix: i32, patch: usize): usize {
  return windowN(x, n, H, W, Cz, iy, ix, 6, patch);
}

/**
 * Workspace bytes for wino4Forward with `chunk` tiles per pass (rounded up to WG_ROWS); the last
 * 64 K bytes hold one output tile when only its pool is wanted (y == 0).
 */
export function wino4WorkspaceBytes(C: i32, K: i32, chunk: i32): i32 {
  const rows = <usize>((chunk + WG_ROWS - 1) / WG_ROWS * WG_ROWS);
  return 36 * <i32>(componentBytes((rows * <usize>C) << 2) + componentBytes((rows * <usize>K) << 2)) + 36 * C * 4 + 36 * 16 + 64 * K + 256;
}

/**
 * Winograd F(4x4,3x3) forward, same contract as winoForward (C % 4 == 0, K % 8 == 0). With
 * `pooled` != 0 it also writes the 2x2 stride-2 pool of y (poolMode 0 max, 1 min) to pooled
 * [N, OH / 2, OW / 2, K] (floors), from each tile as it is written. With `res` != 0 the residual
 * r (y's shape) is added after the bias and before the relu: y = relu(conv + bias + r), a residual
 * block's add in the output transform. With y == 0 (and `pooled` != 0, `res` == 0) only the pool is
 * written: each tile goes to a 4x4xK spot of the workspace (in L1) and is pooled from there, so
 * inference does not write the conv's map to memory. The 36 GEMMs run WG_ROWS tiles per micro-kernel call (chunk
 * rounds up to a multiple of it).
 */
export function wino4Forward(
  x: usize, H: i32, W: i32, C: i32, padT: i32, padL: i32, OH: i32, OW: i32, U: usize, K: i32, bias: usize, y: usize,
  flags: i32, n0: i32, n1: i32, chunk: i32, ws: usize, pooled: usize, poolMode: i32, res: usize,
): void {
  const TH = (OH + 3) >> 2, TW = (OW + 3) >> 2;
  const tilesPer = TH * TW;
  const Cz = <usize>C, Kz = <usize>K;
  chunk = (chunk + WG_ROWS - 1) / WG_ROWS * WG_ROWS;
  const vXi = componentBytes((<usize>chunk * Cz) << 2);
  const mXi = componentBytes((<usize>chunk * Kz) << 2);
  const V = ws; // [36][chunk][C], components vXi bytes apart
  const M = V + 36 * vXi; // [36][chunk][K], components mXi bytes apart
  const tmp = M + 36 * mXi + 64; // 36 v128
  const patch = tmp + 36 * 16; // [36][C] gathered edge patch
  const tileOut = patch + ((36 * Cz) << 2); // [4][4][K]: one output tile when y == 0
  const uXi = (Cz * Kz) << 2;
  const rowB = (<usize>W * Cz) << 2;
  const hasBias = (flags & 2) != 0, relu = (flags & 4) != 0;
  const zero = f32x4.splat(0), two = f32x4.splat(2), four = f32x4.splat(4), eight = f32x4.splat(8);
  const t0 = n0 * tilesPer, t1 = n1 * tilesPer;
  const cs = Cz << 2;
  for (let tc = t0; tc < t1; tc += chunk) {
    const cnt = min(chunk, t1 - tc);
    const cntPad = (cnt + WG_ROWS - 1) / WG_ROWS * WG_ROWS;
    for (let t = 0; t < cntPad; t++) {
      const vt = V + ((<usize>t * Cz) << 2);
      if (t >= cnt) {
        for (let xi = 0; xi < 36; xi++) memory.fill(vt + <usize>xi * vXi, 0, Cz << 2);
        continue;
      }
      const tt = tc + t;
      const n = tt / tilesPer, rem = tt % tilesPer, ty = rem / TW, tx = rem % TW;
      const src = window6(x, n, H, W, Cz, ty * 4 - padT, tx * 4 - padL, patch);
      const rs: usize = src == patch ? (6 * Cz) << 2 : rowB;
      for (let c: usize = 0; c < Cz; c += 4) {
        const p = src + (c << 2);
        // columns: tmp[k][j] = (B^T d)[k][j]
        for (let j: usize = 0; j < 6; j++) bt6(p + j * cs, rs, tmp + (j << 4), 96);
        // rows: V[k*6 + l] = (tmp[k] B)[l]
        const o = vt + (c << 2);
        for (let k: usize = 0; k < 6; k++) bt6(tmp + k * 96, 16, o + k * 6 * vXi, vXi);
      }
    }
    // Between the GEMMs, touch the next chunk's input rows and this chunk's output (residual,
    // pooled) rows, 1/36 of each per component (touch-ahead.ts).
    const nx = tc + cnt, nxLast = min(t1, nx + chunk) - 1, last = tc + cnt - 1;
    const xLo = tileRowAddress(x, nx, tilesPer, TW, 4, -padT, H, W, Cz);
    const xHi = nx < t1 ? tileRowAddress(x, nxLast, tilesPer, TW, 4, 6 - padT, H, W, Cz) : xLo;
    const yLo = y != 0 ? tileRowAddress(y, tc, tilesPer, TW, 4, 0, OH, OW, Kz) : 0;
    const yHi = y != 0 ? tileRowAddress(y, last, tilesPer, TW, 4, 4, OH, OW, Kz) : 0;
    const rLo = res != 0 ? res + (yLo - y) : 0, rHi = res != 0 ? res + (yHi - y) : 0;
    const POH = OH >> 1, POW = OW >> 1;
    const pLo = pooled != 0 ? tileRowAddress(pooled, tc, tilesPer, TW, 2, 0, POH, POW, Kz) : 0;
    const pHi = pooled != 0 ? tileRowAddress(pooled, last, tilesPer, TW, 2, 2, POH, POW, Kz) : 0;
    let touched = f32x4.splat(0);
    // 36 GEMMs: M_xi [tiles x K] = V_xi [tiles x C] U_xi [C x K], all K/8 panels per call
    for (let xi = 0; xi < 36; xi++) {
      const vx = V + <usize>xi * vXi, mx = M + <usize>xi * mXi, ux = U + <usize>xi * uXi;
      for (let t = 0; t < cntPad; t += WG_ROWS) {
        wgRows4x8(C, vx + ((<usize>t * Cz) << 2), Cz << 2, ux, Cz << 5, mx + ((<usize>t * Kz) << 2), Kz << 2, K >> 3);
      }
      touched = touchPart(xLo, xHi, xi, 36, touchPart(yLo, yHi, xi, 36, touchPart(rLo, rHi, xi, 36, touched)));
      touched = touchPart(pLo, pHi, xi, 36, touched);
    }
    v128.store(tmp, touched); // keeps the loads (tmp is scratch the output transform overwrites)
    const yRow = y != 0 ? (<usize>OW * Kz) << 2 : (<usize>4 * Kz) << 2;
    for (let t = 0; t < cnt; t++) {
      const tt = tc + t;
      const n = tt / tilesPer, rem = tt % tilesPer, ty = rem / TW, tx = rem % TW;
      const oy = ty * 4, ox = tx * 4;
      const nr = min(4, OH - oy), nc = min(4, OW - ox);
      const yb = y != 0 ? f(y, <usize>((n * OH + oy) * OW + ox) * Kz) : tileOut;
      const mt = M + ((<usize>t * Kz) << 2);
      for (let k: usize = 0; k < Kz; k += 4) {
        const q = mt + (k << 2);
        // columns: tmp[r][j] = sum_i A^T[r][i] m[i][j]
        for (let j: usize = 0; j < 6; j++) {
          const p = q + j * mXi, ps = 6 * mXi;
          const m0 = v128.load(p), m1 = v128.load(p + ps), m2 = v128.load(p + 2 * ps);
          const m3 = v128.load(p + 3 * ps), m4 = v128.load(p + 4 * ps), m5 = v128.load(p + 5 * ps);
          const a = f32x4.add(m1, m2), b = f32x4.sub(m1, m2), c2 = f32x4.add(m3, m4), d = f32x4.sub(m3, m4);
          const w = tmp + (j << 4);
          v128.store(w, f32x4.add(f32x4.add(m0, a), c2));
          v128.store(w + 96, fma(two, d, b));
          v128.store(w + 192, fma(four, c2, a));
          v128.store(w + 288, f32x4.add(fma(eight, d, b), m5));
        }
        const bv = hasBias ? v128.load(bias + (k << 2)) : zero;
        for (let r = 0; r < nr; r++) {
          const p = tmp + <usize>r * 96;
          const m0 = v128.load(p), m1 = v128.load(p, 16), m2 = v128.load(p, 32);
          const m3 = v128.load(p, 48), m4 = v128.load(p, 64), m5 = v128.load(p, 80);
          const a = f32x4.add(m1, m2), b = f32x4.sub(m1, m2), c2 = f32x4.add(m3, m4), d = f32x4.sub(m3, m4);
          let y0 = f32x4.add(f32x4.add(f32x4.add(m0, a), c2), bv);
          let y1 = f32x4.add(fma(two, d, b), bv);
          let y2 = f32x4.add(fma(four, c2, a), bv);
          let y3 = f32x4.add(f32x4.add(fma(eight, d, b), m5), bv);
          const o = yb + <usize>r * yRow + (k << 2);
          if (res != 0) {
            // The residual (y's layout) before the activation: only the columns inside the output are read.
            const ro = res + (o - y);
            y0 = f32x4.add(y0, v128.load(ro));
            if (nc > 1) y1 = f32x4.add(y1, v128.load(ro + (Kz << 2)));
            if (nc > 2) y2 = f32x4.add(y2, v128.load(ro + (Kz << 3)));
            if (nc > 3) y3 = f32x4.add(y3, v128.load(ro + 3 * (Kz << 2)));
          }
          if (relu) { y0 = relu4(y0); y1 = relu4(y1); y2 = relu4(y2); y3 = relu4(y3); }
          v128.store(o, y0);
          if (nc > 1) v128.store(o + (Kz << 2), y1);
          if (nc > 2) v128.store(o + (Kz << 3), y2);
          if (nc > 3) v128.store(o + 3 * (Kz << 2), y3);
        }
        if (pooled != 0) poolTile(poolMode, yb + (k << 2), yRow, Kz << 2, pooled + (k << 2), n, oy >> 1, ox >> 1, OH >> 1, OW >> 1, Kz);
      }
    }
  }
}

/**
 * The pooling epilogue of wino4Forward: the 2x2 windows of one 4x4 output tile (at `t`, 4
 * channels, rows `yRow` bytes apart) that lie inside the pooled map [N, POH, POW, K], from the
 * values just stored (still in L1). Tiles start at multiples of 4, so no window spans two tiles.
 */
function poolTile(mode: i32, t: usize, yRow: usize, kB: usize, pooled: usize, n: i32, py0: i32, px0: i32, POH: i32, POW: i32, Kz: usize): void {
  for (let pr = 0; pr < 2 && py0 + pr < POH; pr++) {
    const top = t + <usize>(2 * pr) * yRow;
    const row = pooled + ((<usize>((n * POH + py0 + pr) * POW + px0) * Kz) << 2);
    for (let pc = 0; pc < 2 && px0 + pc < POW; pc++) {
      v128.store(row + <usize>pc * kB, pool2x2At(mode, top + <usize>(2 * pc) * kB, top + <usize>(2 * pc) * kB + yRow, kB));
    }
  }
}
