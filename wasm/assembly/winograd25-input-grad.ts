// Winograd F(2x2, 5x5) input gradient, the adjoint of the forward (winograd25.ts).
import { f } from './simd';
import { WG_ROWS, wgRows4xK } from './winograd-gemm';
import { b6 } from './winograd4-input-grad';

// As wino4BackpropInput does for F(4x4, 3x3):
//   forward  y_tile = A^T [ sum_c U_ck * (B^T d_c B) ] A
//   adjoint  dd_c  += B [ sum_k U_ck * (A dy_k A^T) ] B^T   (scatter-added over overlapping tiles)
// B is the same as F(4x4, 3x3)'s (b6); A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 1] (winograd25.ts).

/** 1-D o = A v of two vectors v0, v1 into six vectors at q (stride qs). */
// @ts-ignore: decorator
@inline export function a6(v0: v128, v1: v128, q: usize, qs: usize): void {
  const d = f32x4.add(v1, v1);
  v128.store(q, v0);
  v128.store(q + qs, f32x4.add(v0, v1));
  v128.store(q + 2 * qs, f32x4.sub(v0, v1));
  v128.store(q + 3 * qs, f32x4.add(v0, d));
  v128.store(q + 4 * qs, f32x4.sub(v0, d));
  v128.store(q + 5 * qs, v1);
}

/** Workspace bytes for wino25BackpropInput with `chunk` tiles per pass (rounded up to WG_ROWS; M rows are C rounded up to 8). */
export function wino25InputGradWorkspaceBytes(C: i32, K: i32, chunk: i32): i32 {
  const rows = (chunk + WG_ROWS - 1) / WG_ROWS * WG_ROWS;
  return 36 * rows * (((C + 7) & ~7) + K) * 4 + 36 * 16 * 2 + 256;
}

/**
 * dx [N, H, W, C] for images [n0, n1) of a 5x5 stride-1 conv whose zero-padded input (padT rows
 * above, padL columns left) gave dy [N, OH, OW, K]. Ut: wino25Filter of the channel-swapped filter
 * (panels [Cp/8][K][8]). C % 4 == 0, K % 4 == 0. Images [n0, n1) of dx are overwritten; tiles of
 * different images never touch the same pixel, so threads split images.
 */
export function wino25BackpropInput(
  dy: usize, OH: i32, OW: i32, K: i32, Ut: usize, C: i32, dx: usize, H: i32, W: i32, padT: i32, padL: i32,
  n0: i32, n1: i32, chunk: i32, ws: usize,
): void {
  chunk = (chunk + WG_ROWS - 1) / WG_ROWS * WG_ROWS;
  const TH = (OH + 1) >> 1, TW = (OW + 1) >> 1;
  const tilesPer = TH * TW;
  const Cz = <usize>C, Kz = <usize>K, Cp = <usize>((C + 7) & ~7);
  const G = ws; // [36][chunk][K]: transformed dy tiles, the GEMM's A rows
  const M = G + ((36 * <usize>chunk * Kz) << 2); // [36][chunk][Cp]
  const tmp = M + ((36 * <usize>chunk * Cp) << 2) + 64; // 2 x 36 v128
  const gXi = (<usize>chunk * Kz) << 2;
  const mXi = (<usize>chunk * Cp) << 2;
  const uXi = (Kz * Cp) << 2;
  const img = <usize>(H * W) * Cz;
  memory.fill(f(dx, <usize>n0 * img), 0, (<usize>(n1 - n0) * img) << 2);
  const kB = Kz << 2, yRow = <usize>OW * kB;
  const xRow = (<usize>W * Cz) << 2;
  const zero = f32x4.splat(0);
  const t0 = n0 * tilesPer, t1 = n1 * tilesPer;
  for (let tc = t0; tc < t1; tc += chunk) {
    const cnt = min(chunk, t1 - tc);
    const cntPad = (cnt + WG_ROWS - 1) / WG_ROWS * WG_ROWS;
    // dy transform: G_xi[t] = (A dy_t A^T)_xi, zeros outside dy.
    for (let t = 0; t < cntPad; t++) {
      const gt = G + ((<usize>t * Kz) << 2);
      if (t >= cnt) {
        for (let xi = 0; xi < 36; xi++) memory.fill(gt + <usize>xi * gXi, 0, Kz << 2);
        continue;
      }
      const tt = tc + t;
      const n = tt / tilesPer, rem = tt % tilesPer, ty = rem / TW, tx = rem % TW;
      const oy = ty * 2, ox = tx * 2;
      const two = oy + 1 < OH, right = ox + 1 < OW;
      const yb = f(dy, <usize>((n * OH + oy) * OW + ox) * Kz);
      for (let k: usize = 0; k < Kz; k += 4) {
        const p = yb + (k << 2);
        const d00 = v128.load(p), d01 = right ? v128.load(p + kB) : zero;
        const d10 = two ? v128.load(p + yRow) : zero, d11 = two && right ? v128.load(p + yRow + kB) : zero;
        // columns: tmp[i][j] = (A dy)[i][j], j = 0, 1; rows: G[i][l] = (A tmp[i])[l]
        a6(d00, d10, tmp, 32);
        a6(d01, d11, tmp + 16, 32);
        const o = gt + (k << 2);
        for (let i: usize = 0; i < 6; i++) a6(v128.load(tmp + i * 32), v128.load(tmp + i * 32, 16), o + i * 6 * gXi, gXi);
      }
    }
    // 36 GEMMs: M_xi [tiles x C] = G_xi [tiles x K] Ut_xi [K x C], four tiles x all C columns a
    // call (M's padding columns past C are not written, nor read).
    for (let xi = 0; xi < 36; xi++) {
      const gx = G + <usize>xi * gXi, mx = M + <usize>xi * mXi, ux = Ut + <usize>xi * uXi;
      for (let t = 0; t < cntPad; t += WG_ROWS) {
        wgRows4xK(K, gx + ((<usize>t * Kz) << 2), Kz << 2, ux, Kz << 5, mx + ((<usize>t * Cp) << 2), Cp << 2, C);
      }
    }
    // inverse transform B M_t B^T (6x6 per channel), scatter-added into dx inside the image.
    for (let t = 0; t < cnt; t++) {
      const tt = tc + t;
      const n = tt / tilesPer, rem = tt % tilesPer, ty = rem / TW, tx = rem % TW;
      const py = ty * 2 - padT, px = tx * 2 - padL; // dx coordinates of the window's corner
      const i0 = max(0, -py), i1 = min(6, H - py), j0 = max(0, -px), j1 = min(6, W - px);
      const mt = M + ((<usize>t * Cp) << 2);
      const xb = dx + <usize>(n * H * W) * (Cz << 2);
      for (let c: usize = 0; c < Cz; c += 4) {
        const q = mt + (c << 2);
        for (let j: usize = 0; j < 6; j++) b6(q + j * mXi, 6 * mXi, tmp + (j << 4), 96);
        const t2 = tmp + 576;
        for (let i: usize = 0; i < 6; i++) b6(tmp + i * 96, 16, t2 + i * 96, 16);
        for (let i = i0; i < i1; i++) {
          const row = xb + <usize>(py + i) * xRow + (c << 2);
          for (let j = j0; j < j1; j++) {
            const o = row + <usize>(px + j) * (Cz << 2);
            v128.store(o, f32x4.add(v128.load(o), v128.load(t2 + <usize>i * 96 + (<usize>j << 4))));
          }
        }
      }
    }
  }
}
