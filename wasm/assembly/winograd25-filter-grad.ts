// Winograd F(2x2, 5x5) filter gradient over fixed image blocks (partials summed in order), as
// winograd4-filter-grad.ts does for F(4x4, 3x3):
//   dU_xi = sum_tiles V_xi^T (A dY A^T)_xi,   dW = G^T dU G   (per c, k; 6x6 -> 5x5)
// V is the forward input transform (bt6); A dY A^T of each 2x2 output-gradient tile is written
// directly as packed B panels [Kp/8][tiles][8], so the GEMM needs no packing.
import { f } from './simd';
import { bt6, window6 } from './winograd4';
import { a6 } from './winograd25-input-grad';
import { WG_ROWS, wgRowsT4xK } from './winograd-gemm';

/** Workspace bytes for wino25BackpropFilterPart (dU partials: wino4FilterGradPartBytes each). */
export function wino25FilterGradWorkspaceBytes(C: i32, K: i32, chunk: i32): i32 {
  const Kp = (K + 7) & ~7;
  return 36 * chunk * (C + Kp) * 4 + 36 * C * 4 + 36 * 16 * 2 + 256;
}

/**
 * One fixed part of the filter gradient: images [part * perPart, min(N, (part + 1) * perPart)) of a
 * 5x5 stride-1 valid conv of x [N, H, W, C] with output gradient dy [N, H-4, W-4, K] into the dU
 * partial (36 x [C x Kp], overwritten) at dUs + part * partStride. C % 4 == 0, K % 4 == 0.
 * Parts are fixed whatever the thread count; wino25FilterGradFinish4 sums them in order.
 */
export function wino25BackpropFilterPart(
  x: usize, H: i32, W: i32, C: i32, dy: usize, K: i32, N: i32, perPart: i32, part: i32,
  chunk: i32, dUs: usize, partStride: usize, ws: usize,
): void {
  const n0 = part * perPart, n1 = min(N, n0 + perPart);
  const dU = dUs + <usize>part * partStride;
  const OH = H - 4, OW = W - 4;
  const TH = (OH + 1) >> 1, TW = (OW + 1) >> 1;
  const tilesPer = TH * TW;
  const Cz = <usize>C, Kz = <usize>K, Kp = <usize>((K + 7) & ~7);
  const V = ws; // [36][chunk][C]
  const G = V + ((36 * <usize>chunk * Cz) << 2); // [36][Kp/8][chunk][8]
  const tmp = G + ((36 * <usize>chunk * Kp) << 2);
  const patch = tmp + 36 * 16 * 2;
  const vXi = (<usize>chunk * Cz) << 2;
  const gXi = (<usize>chunk * Kp) << 2;
  const uXi = (Cz * Kp) << 2;
  const rowB = (<usize>W * Cz) << 2;
  const cs = Cz << 2;
  const kB = Kz << 2, yRow = <usize>OW * kB;
  const zero = f32x4.splat(0);
  const t0 = n0 * tilesPer, t1 = n1 * tilesPer;
  // The first chunk's GEMMs write dU, the others add to it; a part without images writes zeros.
  if (t0 >= t1) memory.fill(dU, 0, 36 * uXi);
  for (let tc = t0; tc < t1; tc += chunk) {
    const cnt = min(chunk, t1 - tc);
    for (let t = 0; t < cnt; t++) {
      const tt = tc + t;
      const n = tt / tilesPer, rem = tt % tilesPer, ty = rem / TW, tx = rem % TW;
      // input transform (as in wino25Forward)
      const src = window6(x, n, H, W, Cz, ty * 2, tx * 2, patch);
      const rs: usize = src == patch ? (6 * Cz) << 2 : rowB;
      const vt = V + ((<usize>t * Cz) << 2);
      for (let c: usize = 0; c < Cz; c += 4) {
        const p = src + (c << 2);
        for (let j: usize = 0; j < 6; j++) bt6(p + j * cs, rs, tmp + (j << 4), 96);
        const o = vt + (c << 2);
        for (let k: usize = 0; k < 6; k++) bt6(tmp + k * 96, 16, o + k * 6 * vXi, vXi);
      }
      // output-gradient transform: A g A^T of the 2x2 dy tile (zeros outside the output)
      const oy = ty * 2, ox = tx * 2;
      const two = oy + 1 < OH, right = ox + 1 < OW;
      const yb = f(dy, <usize>((n * OH + oy) * OW + ox) * Kz);
      for (let k: usize = 0; k < Kz; k += 4) {
        const p = yb + (k << 2);
        const d00 = v128.load(p), d01 = right ? v128.load(p + kB) : zero;
        const d10 = two ? v128.load(p + yRow) : zero, d11 = two && right ? v128.load(p + yRow + kB) : zero;
        a6(d00, d10, tmp, 32);
        a6(d01, d11, tmp + 16, 32);
        // into panel (k/8), row t, lane k%8
        const dst = G + ((((k >> 3) * <usize>chunk + <usize>t) * 8 + (k & 7)) << 2);
        for (let i: usize = 0; i < 6; i++) a6(v128.load(tmp + i * 32), v128.load(tmp + i * 32, 16), dst + i * 6 * gXi, gXi);
      }
    }
    // 36 GEMMs: dU_xi[C x K] += V_xi^T[C x cnt] G_xi[cnt x K], four channels x all K columns a
    // call (G's lanes past K, never written, are not read, nor are dU's columns past K).
    for (let xi = 0; xi < 36; xi++) {
      const vx = V + <usize>xi * vXi, gx = G + <usize>xi * gXi, ux = dU + <usize>xi * uXi;
      for (let c: usize = 0; c < Cz; c += WG_ROWS) {
        wgRowsT4xK(cnt, vx + (c << 2), Cz << 2, gx, <usize>chunk << 5, ux + ((c * Kp) << 2), Kp << 2, K, tc == t0);
      }
    }
  }
}

/** 1-D G^T on six vectors -> five (G of winograd25.ts), four lanes at a time. */
// @ts-ignore: decorator
@inline function gt5v(u0: v128, u1: v128, u2: v128, u3: v128, u4: v128, u5: v128, dst: usize, stride: usize): void {
  const s12 = f32x4.add(u1, u2), d12 = f32x4.sub(u1, u2), s34 = f32x4.add(u3, u4), d34 = f32x4.sub(u3, u4);
  const sixth = f32x4.splat(<f32>(1.0 / 6.0));
  const ms = f32x4.mul(f32x4.neg(s12), sixth), md = f32x4.mul(f32x4.neg(d12), sixth);
  v128.store(dst, f32x4.add(f32x4.add(f32x4.mul(u0, f32x4.splat(0.25)), ms), f32x4.mul(s34, f32x4.splat(<f32>(1.0 / 24.0)))));
  v128.store(dst + stride, f32x4.add(md, f32x4.mul(d34, f32x4.splat(<f32>(1.0 / 12.0)))));
  v128.store(dst + 2 * stride, f32x4.add(ms, f32x4.mul(s34, sixth)));
  v128.store(dst + 3 * stride, f32x4.add(md, f32x4.mul(d34, f32x4.splat(<f32>(1.0 / 3.0)))));
  v128.store(dst + 4 * stride, f32x4.add(f32x4.add(ms, f32x4.mul(s34, f32x4.splat(<f32>(2.0 / 3.0)))), u5));
}

/**
 * Sums the `parts` dU blocks in order and applies G^T . G (6x6 -> 5x5), four output channels per
 * SIMD lane group (K % 4 == 0), for input channels [c0, c1). tmp: 2 KB of scratch.
 */
export function wino25FilterGradFinish4(dUs: usize, parts: i32, partStride: usize, C: i32, K: i32, dw: usize, flags: i32, tmp: usize, c0: i32, c1: i32): void {
  const Kp = (K + 7) & ~7;
  const uXi = (<usize>C * <usize>Kp) << 2;
  const h = tmp + 36 * 16; // [6][5] vectors
  const o = h + 30 * 16; // [5][5] vectors
  for (let c = c0; c < c1; c++) {
    for (let k = 0; k < K; k += 4) {
      const off = (<usize>(c * Kp + k)) << 2;
      for (let xi: usize = 0; xi < 36; xi++) {
        let s = v128.load(dUs + xi * uXi + off);
        for (let p = 1; p < parts; p++) s = f32x4.add(s, v128.load(dUs + <usize>p * partStride + xi * uXi + off));
        v128.store(tmp + (xi << 4), s);
      }
      // rows: h[i][kw] = G^T over j of dU[i][j] (6 x 5 vectors)
      for (let i: usize = 0; i < 6; i++) {
        const r = tmp + i * 96;
        gt5v(v128.load(r), v128.load(r, 16), v128.load(r, 32), v128.load(r, 48), v128.load(r, 64), v128.load(r, 80), h + i * 80, 16);
      }
      // columns: o[kh][kw] = G^T over i of h[i][kw]
      for (let kw: usize = 0; kw < 5; kw++) {
        const q = h + (kw << 4);
        gt5v(v128.load(q), v128.load(q, 80), v128.load(q, 160), v128.load(q, 240), v128.load(q, 320), v128.load(q, 400), o + (kw << 4), 80);
      }
      for (let q: usize = 0; q < 25; q++) {
        const d = f(dw, (q * <usize>C + <usize>c) * <usize>K + <usize>k);
        const v = v128.load(o + (q << 4));
        v128.store(d, flags & 1 ? f32x4.add(v128.load(d), v) : v);
      }
    }
  }
}
