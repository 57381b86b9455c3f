// Winograd F(4x4, 3x3) input gradient, the adjoint of the forward (winograd4.ts).
import { f, fma, fms } from './simd';
import { componentBytes, WG_ROWS, wgRows4x8 } from './winograd-gemm';
import { dyTile } from './winograd4-filter-grad';

// Winograd F(4x4, 3x3) input gradient, as the adjoint of wino4Forward:
//   forward  y_tile = A^T [ sum_c U_ck * (B^T d_c B) ] A
//   adjoint  dd_c  += B [ sum_k U_ck * (A dy_k A^T) ] B^T   (scatter-added over overlapping tiles)
// It uses the forward's tiling (one 4x4 output tile per 6x6 input window), so it costs what the
// forward costs; running the forward on dy padded by 2 with the flipped filter instead needs a
// tile per 4x4 block of the (larger) input: 16 tiles instead of 9 for conv 13x13 -> 11x11. When
// dx has no more tiles than dy (a 'same' conv) conv-grad.ts runs that forward instead (each dx
// pixel written once, no zero fill or scatter-add), so this kernel serves 'valid' convs.

/** 1-D o = B m on six vectors at p (stride ps), written at q (stride qs). */
// @ts-ignore: decorator
@inline export function b6(p: usize, ps: usize, q: usize, qs: usize): void {
  const m0 = v128.load(p), m1 = v128.load(p + ps), m2 = v128.load(p + 2 * ps);
  const m3 = v128.load(p + 3 * ps), m4 = v128.load(p + 4 * ps), m5 = v128.load(p + 5 * ps);
  const two = f32x4.splat(2), four = f32x4.splat(4), five = f32x4.splat(5);
  const s12 = f32x4.add(m1, m2), d12 = f32x4.sub(m1, m2), s34 = f32x4.add(m3, m4), d34 = f32x4.sub(m3, m4);
  v128.store(q, f32x4.mul(four, m0));
  // o1 = 4 (m5 - d12) - 2 d34;  o3 = d12 + 2 d34 - 5 m5
  v128.store(q + qs, fms(two, d34, f32x4.mul(four, f32x4.sub(m5, d12))));
  v128.store(q + 3 * qs, fms(five, m5, fma(two, d34, d12)));
  // o2 = -(5 m0 + 4 s12 + s34);  o4 = m0 + s12 + s34
  v128.store(q + 2 * qs, f32x4.neg(fma(five, m0, fma(four, s12, s34))));
  v128.store(q + 4 * qs, f32x4.add(m0, f32x4.add(s12, s34)));
  v128.store(q + 5 * qs, m5);
}

/** Workspace bytes for wino4BackpropInput with `chunk` tiles per pass. */
export function wino4InputGradWorkspaceBytes(C: i32, K: i32, chunk: i32): i32 {
  const rows = <usize>((chunk + WG_ROWS - 1) / WG_ROWS * WG_ROWS);
  return 36 * <i32>(componentBytes((rows * <usize>C) << 2) + componentBytes((rows * <usize>K) << 2)) + 36 * 16 * 2 + 256;
}

/**
 * dx [N, H, W, C] for images [n0, n1) of a 3x3 stride-1 conv whose zero-padded input (padT rows
 * above, padL columns left) gave dy [N, OH, OW, K]. Ut: wino4Filter of the channel-swapped filter
 * (panels [C/8][K][8]). C % 8 == 0, K % 4 == 0. Images [n0, n1) of dx are overwritten; tiles of
 * different images never touch the same pixel, so threads split images. The 36 GEMMs run WG_ROWS
 * tiles per micro-kernel call (chunk rounds up to a multiple of it).
 */
export function wino4BackpropInput(
  dy: usize, OH: i32, OW: i32, K: i32, Ut: usize, C: i32, dx: usize, H: i32, W: i32, padT: i32, padL: i32,
  n0: i32, n1: i32, chunk: i32, ws: usize,
): void {
  const TH = (OH + 3) >> 2, TW = (OW + 3) >> 2;
  const tilesPer = TH * TW;
  const Cz = <usize>C, Kz = <usize>K;
  chunk = (chunk + WG_ROWS - 1) / WG_ROWS * WG_ROWS;
  const gXi = componentBytes((<usize>chunk * Kz) << 2);
  const mXi = componentBytes((<usize>chunk * Cz) << 2);
  const G = ws; // [36][chunk][K]: transformed dy tiles, the GEMM's A rows (components gXi bytes apart)
  const M = G + 36 * gXi; // [36][chunk][C], components mXi bytes apart
  const tmp = M + 36 * mXi + 64; // 2 x 36 v128
  const uXi = (Kz * Cz) << 2;
  const img = <usize>(H * W) * Cz;
  memory.fill(f(dx, <usize>n0 * img), 0, (<usize>(n1 - n0) * img) << 2);
  const yRow = (<usize>OW * Kz) << 2;
  const xRow = (<usize>W * Cz) << 2;
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
      const oy = ty * 4, ox = tx * 4;
      const nr = min(4, OH - oy), nc = min(4, OW - ox);
      const yb = f(dy, <usize>((n * OH + oy) * OW + ox) * Kz);
      for (let k: usize = 0; k < Kz; k += 4) dyTile(yb + (k << 2), Kz << 2, yRow, nr, nc, tmp, gt + (k << 2), gXi);
    }
    // 36 GEMMs: M_xi [tiles x C] = G_xi [tiles x K] Ut_xi [K x C], all C/8 panels per call
    for (let xi = 0; xi < 36; xi++) {
      const gx = G + <usize>xi * gXi, mx = M + <usize>xi * mXi, ux = Ut + <usize>xi * uXi;
      for (let t = 0; t < cntPad; t += WG_ROWS) {
        wgRows4x8(K, gx + ((<usize>t * Kz) << 2), Kz << 2, ux, Kz << 5, mx + ((<usize>t * Cz) << 2), Cz << 2, C >> 3);
      }
    }
    // inverse transform B M_t B^T (6x6 per channel), scatter-added into dx inside the image.
    for (let t = 0; t < cnt; t++) {
      const tt = tc + t;
      const n = tt / tilesPer, rem = tt % tilesPer, ty = rem / TW, tx = rem % TW;
      const py = ty * 4 - padT, px = tx * 4 - padL; // dx coordinates of the window's corner
      const i0 = max(0, -py), i1 = min(6, H - py), j0 = max(0, -px), j1 = min(6, W - px);
      const mt = M + ((<usize>t * Cz) << 2);
      const xb = dx + <usize>(n * H * W) * (Cz << 2);
      for (let c: usize = 0; c < Cz; c += 4) {
        const q = mt + (c << 2);
        // columns: tmp[i][j] = (B m)[i] over rows i of column j
        for (let j: usize = 0; j < 6; j++) b6(q + j * mXi, 6 * mXi, tmp + (j << 4), 96);
        // rows: tmp2[i][j] = (B tmp[i])[j]
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
