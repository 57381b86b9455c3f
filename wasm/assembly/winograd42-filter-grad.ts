// Stride-2 3x3 filter gradient through the F(4x4, 2x2) phase Winograd of winograd42.ts, over
// fixed image blocks (partials summed in order):
//   dU_xi = sum_tiles V_xi^T (A dY A^T)_xi,   dh = G^T dU G   (per phase channel c', k; 5x5 -> 2x2)
// and dw[2p + a, 2q + b, c] = dh[p, q, (a, b, c)] for the taps inside the 3x3 filter.
import { f } from './simd';
import { phaseRange, phaseSlot, transformTile } from './winograd42';
import { dyTile5 } from './winograd42-input-grad';
import { tileRowAddress, touchPart } from './touch-ahead';
import { componentBytes, WG_ROWS, wgRowsT4xK } from './winograd-gemm';

/** Bytes of one dU partial (25 x [4C x roundUp(K, 8)] floats). */
export function wino42FilterGradPartBytes(C: i32, K: i32): i32 {
  return 25 * 4 * C * ((K + 7) & ~7) * 4;
}

/** Workspace bytes for wino42BackpropFilterPart. */
export function wino42FilterGradWorkspaceBytes(C: i32, K: i32, chunk: i32): i32 {
  const v = componentBytes((<usize>chunk * <usize>(4 * C)) << 2), g = componentBytes((<usize>chunk * <usize>((K + 7) & ~7)) << 2);
  return 25 * <i32>(v + g) + 100 * C * 4 + 25 * 16 * 2 + 256;
}

/**
 * One fixed part of the filter gradient of a 3x3 stride-2 conv (padding padT above, padL left) of
 * x [N, H, W, C] that gave dy [N, OH, OW, K]: images [part * perPart, min(N, (part + 1) * perPart))
 * into the dU partial at dUs + part * partStride (overwritten). C % 4 == 0, K % 4 == 0.
 */
export function wino42BackpropFilterPart(
  x: usize, H: i32, W: i32, C: i32, padT: i32, padL: i32, dy: usize, OH: i32, OW: i32, K: i32,
  N: i32, perPart: i32, part: i32, chunk: i32, dUs: usize, partStride: usize, ws: usize,
): void {
  const n0 = part * perPart, n1 = min(N, n0 + perPart);
  const dU = dUs + <usize>part * partStride;
  const TH = (OH + 3) >> 2, TW = (OW + 3) >> 2;
  const tilesPer = TH * TW;
  const Cz = <usize>C, Cp = Cz << 2, Kz = <usize>K, Kp = <usize>((K + 7) & ~7);
  // Components an odd number of cache lines apart (componentBytes): 44 tiles x 4C floats are
  // 176 lines for C = 16, 352 for C = 32, so the 25 vectors a tile's transform writes per channel
  // group fell in four or two L1 sets.
  const vXi = componentBytes((<usize>chunk * Cp) << 2), gXi = componentBytes((<usize>chunk * Kp) << 2), uXi = (Cp * Kp) << 2;
  const V = ws; // [25][chunk][4C], components vXi bytes apart
  const G = V + 25 * vXi; // [25][Kp/8][chunk][8], components gXi bytes apart
  const tmp = G + 25 * gXi;
  const patch = tmp + 25 * 16 * 2;
  const yRow = (<usize>OW * Kz) << 2;
  const t0 = n0 * tilesPer, t1 = n1 * tilesPer;
  // The first chunk's GEMMs write dU, the others add to it; the rows they skip (phaseRange) are
  // never read (wino42FilterGradFinish takes them as zeros). A part without images writes zeros.
  if (t0 >= t1) memory.fill(dU, 0, 25 * uXi);
  for (let tc = t0; tc < t1; tc += chunk) {
    const cnt = min(chunk, t1 - tc);
    for (let t = 0; t < cnt; t++) {
      const tt = tc + t;
      const n = tt / tilesPer, rem = tt % tilesPer, ty = rem / TW, tx = rem % TW;
      transformTile(x, n, H, W, Cz, 8 * ty - padT, 8 * tx - padL, patch, tmp, V + ((<usize>t * Cp) << 2), vXi);
      const oy = 4 * ty, ox = 4 * tx;
      const yb = f(dy, <usize>((n * OH + oy) * OW + ox) * Kz);
      for (let k: usize = 0; k < Kz; k += 4) {
        // into panel k / 8, row t, lane k % 8
        const dst = G + ((((k >> 3) * <usize>chunk + <usize>t) * 8 + (k & 7)) << 2);
        dyTile5(yb + (k << 2), Kz << 2, yRow, min(4, OH - oy), min(4, OW - ox), tmp, dst, gXi);
      }
    }
    // Between the GEMMs, touch the next chunk's x and dy rows, 1/25 of each per component
    // (touch-ahead.ts): the transforms read them next.
    const nx = tc + cnt, nxLast = min(t1, nx + chunk) - 1, more = nx < t1;
    const xLo = tileRowAddress(x, nx, tilesPer, TW, 8, -padT, H, W, Cz);
    const xHi = more ? tileRowAddress(x, nxLast, tilesPer, TW, 8, 10 - padT, H, W, Cz) : xLo;
    const yLo = tileRowAddress(dy, nx, tilesPer, TW, 4, 0, OH, OW, Kz);
    const yHi = more ? tileRowAddress(dy, nxLast, tilesPer, TW, 4, 4, OH, OW, Kz) : yLo;
    let touched = f32x4.splat(0);
    // 25 GEMMs: dU_xi [4C x Kp] += V_xi^T [4C x cnt] G_xi [cnt x Kp], over the channels whose
    // U_xi can be nonzero (phaseRange; the finish multiplies the others by G's zeros); four
    // channels x all K columns a call (G's lanes past K, never written, are not read).
    for (let xi = 0; xi < 25; xi++) {
      const range = phaseRange(xi);
      const vx = V + <usize>xi * vXi, gx = G + <usize>xi * gXi, ux = dU + <usize>xi * uXi;
      for (let c = <usize>(range & 255) * Cz; c < <usize>(range >> 8) * Cz; c += WG_ROWS) {
        wgRowsT4xK(cnt, vx + (c << 2), Cp << 2, gx, <usize>chunk << 5, ux + ((c * Kp) << 2), Kp << 2, K, tc == t0);
      }
      touched = touchPart(xLo, xHi, <usize>xi, 25, touchPart(yLo, yHi, <usize>xi, 25, touched));
    }
    v128.store(tmp, touched); // keeps the loads (tmp is scratch the transforms overwrite)
  }
}

/** 1-D G^T on five vectors -> two: G^T = [1/2 -1/2 -1/6 1/6 0; 0 -1/2 1/6 1/3 1]. */
// @ts-ignore: decorator
@inline function gt2v(u0: v128, u1: v128, u2: v128, u3: v128, u4: v128, dst: usize, stride: usize): void {
  const half = f32x4.splat(0.5), sixth = f32x4.splat(<f32>(1.0 / 6.0));
  // h0 = (u0 - u1) / 2 + (u3 - u2) / 6;  h1 = (u2 + u3) / 6 + u3 / 6 - u1 / 2 + u4
  v128.store(dst, f32x4.add(f32x4.mul(f32x4.sub(u0, u1), half), f32x4.mul(f32x4.sub(u3, u2), sixth)));
  const t = f32x4.add(f32x4.mul(f32x4.add(u2, u3), sixth), f32x4.mul(u3, sixth));
  v128.store(dst + stride, f32x4.add(f32x4.sub(t, f32x4.mul(u1, half)), u4));
}

/** Scratch bytes for wino42FilterGradFinish: the summed rows of one phase channel, and the transform's. */
export function wino42FilterGradFinishBytes(K: i32): i32 {
  return 25 * ((K + 7) & ~7) * 4 + 1024;
}

/**
 * Sums the `parts` dU partials in order and applies G^T . G per phase, writing the HWIO 3x3 dw
 * [3, 3, C, K] (K % 4 == 0) for input channels [c0, c1). tmp: wino42FilterGradFinishBytes(K).
 * The partials' rows of one phase channel are first summed whole into tmp (each of the parts x 25
 * rows read front to back): gathering four floats from each of them per output group instead left
 * the finish waiting on memory (resnet8's 32 -> 64 conv: 1.1 of its 2.9 ms). Rows outside
 * phaseRange, which the parts leave unwritten, are zeros here (the parts used to zero-fill them).
 */
export function wino42FilterGradFinish(dUs: usize, parts: i32, partStride: usize, C: i32, K: i32, dw: usize, tmp: usize, c0: i32, c1: i32): void {
  const Kp = (K + 7) & ~7;
  const uXi = (<usize>(4 * C) * <usize>Kp) << 2;
  const rows = tmp + 1024; // [25][Kp]: the summed partials of one phase channel
  const h = tmp + 25 * 16; // [5][2]
  const o = h + 10 * 16; // [2][2]
  for (let c = c0; c < c1; c++) {
    for (let a = 0; a < 2; a++) {
      for (let b = 0; b < 2; b++) {
        const slot = phaseSlot(a, b), cp = slot * C + c;
        const row = (<usize>(cp * Kp)) << 2;
        for (let xi: usize = 0; xi < 25; xi++) {
          const src = dUs + xi * uXi + row, dst = rows + ((xi * <usize>Kp) << 2);
          // A row no GEMM writes (outside phaseRange): U_xi is zero there, so is its gradient's share.
          const range = phaseRange(<i32>xi);
          if (slot < (range & 255) || slot >= (range >> 8)) {
            memory.fill(dst, 0, <usize>K << 2);
            continue;
          }
          for (let k: usize = 0; k < <usize>K; k += 4) {
            let s = v128.load(src + (k << 2));
            for (let p = 1; p < parts; p++) s = f32x4.add(s, v128.load(src + <usize>p * partStride + (k << 2)));
            v128.store(dst + (k << 2), s);
          }
        }
        for (let k = 0; k < K; k += 4) {
          for (let xi: usize = 0; xi < 25; xi++) v128.store(tmp + (xi << 4), v128.load(rows + ((xi * <usize>Kp + <usize>k) << 2)));
          // rows: h[i][q] = G^T over j of dU[i][j]
          for (let i: usize = 0; i < 5; i++) {
            const r = tmp + i * 80;
            gt2v(v128.load(r), v128.load(r, 16), v128.load(r, 32), v128.load(r, 48), v128.load(r, 64), h + i * 32, 16);
          }
          // columns: o[p][q] = G^T over i of h[i][q]
          for (let q: usize = 0; q < 2; q++) {
            const s = h + (q << 4);
            gt2v(v128.load(s), v128.load(s, 32), v128.load(s, 64), v128.load(s, 96), v128.load(s, 128), o + (q << 4), 32);
          }
          for (let p = 0; p < 2; p++) {
            for (let q = 0; q < 2; q++) {
              const kh = 2 * p + a, kw = 2 * q + b;
              if (kh > 2 || kw > 2) continue;
              v128.store(f(dw, (<usize>(kh * 3 + kw) * <usize>C + <usize>c) * <usize>K + <usize>k), v128.load(o + <usize>(p * 2 + q) * 16));
            }
          }
        }
      }
    }
  }
}
