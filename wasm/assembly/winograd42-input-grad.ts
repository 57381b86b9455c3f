// Stride-2 3x3 input gradient as the adjoint of wino42Forward (winograd42.ts):
//   forward  y_tile = A^T [ sum_c' U_c'k * (B^T X_c' B) ] A     (X: the 5x5 space-to-depth tile)
//   adjoint  dX_c' += B [ sum_k U_c'k * (A dy_k A^T) ] B^T      (scatter-added into dx's phases)
// Same tiles as the forward, so the same multiplies: 100 C per 16 outputs of dy.
import { f, fma } from './simd';
import { WG_ROWS, wgRows4x8 } from './winograd-gemm';
import { phaseRange, phaseSlot } from './winograd42';

/** 1-D m = A y (A = (A^T)^T, 5x4): five vectors at q (stride qs) from four. */
// @ts-ignore: decorator
@inline function a5(y0: v128, y1: v128, y2: v128, y3: v128, q: usize, qs: usize): void {
  const s02 = f32x4.add(y0, y2), s13 = f32x4.add(y1, y3);
  v128.store(q, y0);
  v128.store(q + qs, f32x4.add(s02, s13));
  v128.store(q + 2 * qs, f32x4.sub(s02, s13));
  v128.store(q + 3 * qs, fma(f32x4.splat(8), y3, fma(f32x4.splat(4), y2, fma(f32x4.splat(2), y1, y0))));
  v128.store(q + 4 * qs, y3);
}

/**
 * 1-D x = B v (B = (B^T)^T) on five vectors at p (stride ps), written at q (stride qs); with
 * `zero4` v4 is taken as zero (not loaded) and x4 = v4 not stored.
 */
// @ts-ignore: decorator
@inline function b5(p: usize, ps: usize, q: usize, qs: usize, zero4: bool = false): void {
  const v0 = v128.load(p), v1 = v128.load(p + ps), v2 = v128.load(p + 2 * ps), v3 = v128.load(p + 3 * ps);
  const v4 = zero4 ? f32x4.splat(0) : v128.load(p + 4 * ps);
  const two = f32x4.splat(2);
  v128.store(q, f32x4.mul(two, v0));
  // x1 = 2 (v2 + v4 - v1) - (v0 + v3); x2 = -(2 v0 + v1 + 3 v2 + v4); x3 = v0 + v1 + v2 + v3 - 2 v4
  v128.store(q + qs, f32x4.sub(f32x4.mul(two, f32x4.sub(f32x4.add(v2, v4), v1)), f32x4.add(v0, v3)));
  v128.store(q + 2 * qs, f32x4.neg(fma(two, v0, fma(f32x4.splat(3), v2, f32x4.add(v1, v4)))));
  v128.store(q + 3 * qs, fma(f32x4.splat(-2), v4, f32x4.add(f32x4.add(v0, v1), f32x4.add(v2, v3))));
  if (!zero4) v128.store(q + 4 * qs, v4);
}

/**
 * G (25 components gXi bytes apart, 4 channels) = A dy A^T of the 4x4 dy tile at yb (rows yRow
 * bytes apart, pixels kB apart), only nr x nc of it inside dy (zeros beyond). tmp: 20 v128.
 */
export function dyTile5(yb: usize, kB: usize, yRow: usize, nr: i32, nc: i32, tmp: usize, out: usize, gXi: usize): void {
  const z = f32x4.splat(0);
  for (let r = 0; r < 4; r++) {
    const p = yb + <usize>r * yRow;
    const inside = r < nr;
    const y0 = inside ? v128.load(p) : z;
    const y1 = inside && nc > 1 ? v128.load(p + kB) : z;
    const y2 = inside && nc > 2 ? v128.load(p + 2 * kB) : z;
    const y3 = inside && nc > 3 ? v128.load(p + 3 * kB) : z;
    a5(y0, y1, y2, y3, tmp + <usize>r * 80, 16);
  }
  for (let l: usize = 0; l < 5; l++) {
    const c = tmp + (l << 4);
    a5(v128.load(c), v128.load(c + 80), v128.load(c + 160), v128.load(c + 240), out + l * gXi, 5 * gXi);
  }
}

/** Workspace bytes for wino42BackpropInput with `chunk` tiles per pass (rounded up to WG_ROWS). */
export function wino42InputGradWorkspaceBytes(C: i32, K: i32, chunk: i32): i32 {
  chunk = (chunk + WG_ROWS - 1) / WG_ROWS * WG_ROWS;
  return 25 * chunk * (4 * C + K) * 4 + 25 * 16 * 2 + 256;
}

/**
 * dx [N, H, W, C] for images [n0, n1) of a 3x3 stride-2 conv with padding padT above and padL
 * left that gave dy [N, OH, OW, K]; Ut: wino42Filter(transposed) of its filter. C % 4 == 0
 * (the scatter runs four channels at a time),
 * K % 4 == 0. Images [n0, n1) of dx are overwritten; each image's tiles are added in one order
 * by one thread, so any thread count gives the same bits. With `acc` != 0 (dx's shape), the tiles
 * are added onto a copy of it instead of zeros: dx + acc, a gradient gathered from another consumer.
 */
export function wino42BackpropInput(
  dy: usize, OH: i32, OW: i32, K: i32, Ut: usize, C: i32, dx: usize, H: i32, W: i32, padT: i32, padL: i32,
  n0: i32, n1: i32, chunk: i32, ws: usize, acc: usize,
): void {
  const TH = (OH + 3) >> 2, TW = (OW + 3) >> 2;
  const tilesPer = TH * TW;
  const Cz = <usize>C, Cp = Cz << 2, Kz = <usize>K;
  chunk = (chunk + WG_ROWS - 1) / WG_ROWS * WG_ROWS;
  const G = ws; // [25][chunk][K]: transformed dy tiles, the GEMM's A rows
  const M = G + ((25 * <usize>chunk * Kz) << 2); // [25][chunk][4C]
  const tmp = M + ((25 * <usize>chunk * Cp) << 2) + 64; // 2 x 25 v128
  const gXi = (<usize>chunk * Kz) << 2, mXi = (<usize>chunk * Cp) << 2, uXi = (Kz * Cp) << 2;
  const img = <usize>(H * W) * Cz;
  let ready = n0; // images of dx below this one are initialized (zeros, or acc)
  // With C % 8 == 0 the GEMMs skip the 8-channel panels where U_xi is zero (phaseRange), leaving
  // whatever the workspace held there: the scatter reads none of them (a phase's zero row 4 and
  // column 4 of U, which it skips, are exactly its components outside phaseRange).
  const skip = (C & 7) == 0;
  const yRow = (<usize>OW * Kz) << 2;
  const t0 = n0 * tilesPer, t1 = n1 * tilesPer;
  for (let tc = t0; tc < t1; tc += chunk) {
    const cnt = min(chunk, t1 - tc);
    const cntPad = (cnt + WG_ROWS - 1) / WG_ROWS * WG_ROWS;
    for (let t = 0; t < cntPad; t++) {
      const gt = G + ((<usize>t * Kz) << 2);
      if (t >= cnt) {
        for (let xi = 0; xi < 25; xi++) memory.fill(gt + <usize>xi * gXi, 0, Kz << 2);
        continue;
      }
      const tt = tc + t;
      const n = tt / tilesPer, rem = tt % tilesPer, oy = 4 * (rem / TW), ox = 4 * (rem % TW);
      const yb = f(dy, <usize>((n * OH + oy) * OW + ox) * Kz);
      for (let k: usize = 0; k < Kz; k += 4) dyTile5(yb + (k << 2), Kz << 2, yRow, min(4, OH - oy), min(4, OW - ox), tmp, gt + (k << 2), gXi);
    }
    // 25 GEMMs: M_xi [tiles x 4C] = G_xi [tiles x K] Ut_xi [K x 4C]
    for (let xi = 0; xi < 25; xi++) {
      const range = skip ? phaseRange(xi) : 4 << 8;
      const c0 = <usize>(range & 255) * Cz, c1 = <usize>(range >> 8) * Cz;
      const gx = G + <usize>xi * gXi, mx = M + <usize>xi * mXi, ux = Ut + <usize>xi * uXi;
      // Four tiles x the panels [c0, c1) per call, as the forward (section 53).
      for (let t = 0; t < cntPad; t += WG_ROWS) {
        wgRows4x8(K, gx + ((<usize>t * Kz) << 2), Kz << 2, ux + ((c0 * Kz) << 2), Kz << 5, mx + ((<usize>t * Cp + c0) << 2), Cp << 2, <i32>((c1 - c0) >> 3));
      }
    }
    // Each image of dx is initialized just before its first tile is added: in cache for the
    // scatter-adds (a whole 4 MB copy up front was out of L2 again by the time they came).
    for (const last = (tc + cnt - 1) / tilesPer; ready <= last; ready++) {
      if (acc != 0) memory.copy(f(dx, <usize>ready * img), f(acc, <usize>ready * img), img << 2);
      else memory.fill(f(dx, <usize>ready * img), 0, img << 2);
    }
    for (let t = 0; t < cnt; t++) {
      const tt = tc + t;
      const n = tt / tilesPer, rem = tt % tilesPer;
      scatterTile(M + ((<usize>t * Cp) << 2), mXi, Cz, tmp, dx, n, H, W, 8 * (rem / TW) - padT, 8 * (rem % TW) - padL);
    }
  }
}

/**
 * dX = B m B^T per channel of one tile (m: 25 components mXi bytes apart, 4C floats each),
 * added into dx[r0 + 2i + a, q0 + 2j + b, c] for channel phaseSlot(a, b) * C + c, inside dx only.
 * A phase with a = 1 has m's row 4 zero (its U is zero there: it sums zero products, or with
 * C % 8 == 0 no GEMM writes it and it is not read), so its dX row 4 (= m's row 4 through B's last
 * row) is zero and is not added; b = 1 likewise column 4 (phaseTransformT). Adding those zeros
 * could only flip the sign of a zero in dx (resnet8's shapes: the same bits as before).
 */
function scatterTile(mt: usize, mXi: usize, Cz: usize, tmp: usize, dx: usize, n: i32, H: i32, W: i32, r0: i32, q0: i32): void {
  const t2 = tmp + 400;
  const xRow = (<usize>W * Cz) << 2, px = Cz << 2;
  const xb = dx + <usize>(n * H * W) * px;
  for (let a = 0; a < 2; a++) {
    for (let b = 0; b < 2; b++) {
      // s2d rows i with r0 + 2i + a inside [0, H), columns j likewise.
      const i0 = max(0, (1 - r0 - a) >> 1), i1 = min(5, (H - r0 - a + 1) >> 1);
      const j0 = max(0, (1 - q0 - b) >> 1), j1 = min(5, (W - q0 - b + 1) >> 1);
      const phase = (<usize>phaseSlot(a, b) * Cz) << 2;
      const ie = a == 1 ? min(i1, 4) : i1, je = b == 1 ? min(j1, 4) : j1;
      for (let c: usize = 0; c < Cz; c += 4) {
        const q = mt + phase + (c << 2);
        if (a == 0 && b == 0) phaseTransformT(q, mXi, tmp, t2, false, false);
        else if (a == 0) phaseTransformT(q, mXi, tmp, t2, false, true);
        else if (b == 0) phaseTransformT(q, mXi, tmp, t2, true, false);
        else phaseTransformT(q, mXi, tmp, t2, true, true);
        for (let i = i0; i < ie; i++) {
          const row = xb + <usize>(r0 + 2 * i + a) * xRow + (c << 2);
          for (let j = j0; j < je; j++) {
            const o = row + <usize>(q0 + 2 * j + b) * px;
            v128.store(o, f32x4.add(v128.load(o), v128.load(t2 + <usize>i * 80 + (<usize>j << 4))));
          }
        }
      }
    }
  }
}

/**
 * t2 = B m B^T of four channels of one phase (m: 5x5 at q, components mXi bytes apart); `row4Zero`
 * (a = 1) takes m's row 4 as zero and leaves t2's row 4 unwritten, `col4Zero` (b = 1) column 4
 * likewise. Constant flags: four inlined copies.
 */
// @ts-ignore: decorator
@inline function phaseTransformT(q: usize, mXi: usize, tmp: usize, t2: usize, row4Zero: bool, col4Zero: bool): void {
  // columns: tmp[i][j] = (B m)[i] over rows i of column j (column 4 of a b = 1 phase: zeros, not needed)
  const cols: usize = col4Zero ? 4 : 5, rows: usize = row4Zero ? 4 : 5;
  for (let j: usize = 0; j < cols; j++) b5(q + j * mXi, 5 * mXi, tmp + (j << 4), 80, row4Zero);
  // rows: t2[i][j] = (B tmp[i])[j]
  for (let i: usize = 0; i < rows; i++) b5(tmp + i * 80, 16, t2 + i * 80, 16, col4Zero);
}
