// Single-input-channel direct convolution (the first layer of image models), stride 1.
import { f, fma, relu4 } from './simd';
import { pool2x2Row } from './pool';

// Single-input-channel direct conv (the first layer of image models)

/**
 * y = act(conv(x) + bias) for a valid stride-1 conv with C = 1: x [N, H, W, 1], filter HWIO
 * [KH, KW, 1, K] with K % 4 == 0, y [N, OH, OW, K]; output rows (n, oy) in [r0, r0 + rows).
 * Tiles of 4 horizontally adjacent pixels x 8 channels (then one of 4 channels when K % 8 == 4,
 * as LeNet-5's 20 filters leave); no im2col, no integer division per pixel.
 *
 * With `pooled` != 0 it also writes the plain 2x2 pooling (poolMode 0 max, 1 min) of each pair of
 * output rows into pooled [N, OH / 2, OW / 2, K] while they are in L1 (OH even, r0 and rows even:
 * each odd row is pooled with the one before it). With y == 0 only the pool is written: the two
 * rows go to `ws` (2 x OW x K floats, in L1) instead of y.
 */
export function conv1Direct(
  x: usize, H: i32, W: i32, KH: i32, KW: i32, w: usize, K: i32, bias: usize, y: usize, flags: i32,
  r0: i32, rows: i32, pooled: usize, poolMode: i32, ws: usize,
): void {
  const OH = H - KH + 1, OW = W - KW + 1;
  const Kz = <usize>K;
  const kB = Kz << 2;
  for (let rr = r0; rr < r0 + rows; rr++) {
    const n = rr / OH, oy = rr % OH;
    const xrow = f(x, <usize>((n * H + oy) * W));
    const yrow = y != 0 ? f(y, <usize>rr * <usize>OW * Kz) : f(ws, <usize>(oy & 1) * <usize>OW * Kz);
    for (let ox = 0; ox < OW; ox += 4) {
      let co: usize = 0;
      for (; co + 8 <= Kz; co += 8) tile4x8(xrow, W, KH, KW, w, Kz, bias, yrow, flags, ox, OW, co);
      if (co < Kz) tile4x4(xrow, W, KH, KW, w, Kz, bias, yrow, flags, ox, OW, co);
    }
    // The pooling epilogue: rows oy - 1 and oy were just written and are still in L1.
    if (pooled != 0 && (oy & 1) == 1) {
      const rowY = <usize>OW * kB;
      pool2x2Row(poolMode, yrow - rowY, yrow, K, OW >> 1, pooled + <usize>((n * (OH >> 1) + (oy >> 1)) * (OW >> 1)) * kB);
    }
  }
}

/** 4 pixels (ox..ox+3 of one output row) x 8 channels (co..co+7): taps in (kh, kw) order, then bias, then relu. */
// @ts-ignore: decorator
@inline function tile4x8(
  xrow: usize, W: i32, KH: i32, KW: i32, w: usize, Kz: usize, bias: usize, yrow: usize, flags: i32, ox: i32, OW: i32, co: usize,
): void {
  const kB = Kz << 2;
  const rowB = <usize>W << 2;
  const zero = f32x4.splat(0);
  const valid = min(4, OW - ox);
  // Clamp the pixel columns of a partial group (the extra lanes are computed, not stored).
  const o1 = <usize>min(ox + 1, OW - 1) << 2, o2 = <usize>min(ox + 2, OW - 1) << 2, o3 = <usize>min(ox + 3, OW - 1) << 2;
  const o0 = <usize>ox << 2;
  let c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero;
  let wp = w + (co << 2);
  let xr = xrow;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const b0 = v128.load(wp), b1 = v128.load(wp, 16);
      const xk = xr + (<usize>kw << 2);
      if (valid == 4) {
        // Adjacent pixels: immediate offsets, one address.
        const xp = xk + o0;
        let av = v128.load32_splat(xp); c00 = fma(av, b0, c00); c01 = fma(av, b1, c01);
        av = v128.load32_splat(xp, 4); c10 = fma(av, b0, c10); c11 = fma(av, b1, c11);
        av = v128.load32_splat(xp, 8); c20 = fma(av, b0, c20); c21 = fma(av, b1, c21);
        av = v128.load32_splat(xp, 12); c30 = fma(av, b0, c30); c31 = fma(av, b1, c31);
      } else {
        let av = v128.load32_splat(xk + o0); c00 = fma(av, b0, c00); c01 = fma(av, b1, c01);
        av = v128.load32_splat(xk + o1); c10 = fma(av, b0, c10); c11 = fma(av, b1, c11);
        av = v128.load32_splat(xk + o2); c20 = fma(av, b0, c20); c21 = fma(av, b1, c21);
        av = v128.load32_splat(xk + o3); c30 = fma(av, b0, c30); c31 = fma(av, b1, c31);
      }
      wp += kB;
    }
    xr += rowB;
  }
  if ((flags & 2) != 0) {
    const q0 = v128.load(bias + (co << 2)), q1 = v128.load(bias + (co << 2), 16);
    c00 = f32x4.add(c00, q0); c01 = f32x4.add(c01, q1); c10 = f32x4.add(c10, q0); c11 = f32x4.add(c11, q1);
    c20 = f32x4.add(c20, q0); c21 = f32x4.add(c21, q1); c30 = f32x4.add(c30, q0); c31 = f32x4.add(c31, q1);
  }
  if ((flags & 4) != 0) {
    c00 = relu4(c00); c01 = relu4(c01); c10 = relu4(c10); c11 = relu4(c11);
    c20 = relu4(c20); c21 = relu4(c21); c30 = relu4(c30); c31 = relu4(c31);
  }
  let p = yrow + ((<usize>ox * Kz + co) << 2);
  v128.store(p, c00); v128.store(p, c01, 16);
  if (valid > 1) { p += kB; v128.store(p, c10); v128.store(p, c11, 16); }
  if (valid > 2) { p += kB; v128.store(p, c20); v128.store(p, c21, 16); }
  if (valid > 3) { p += kB; v128.store(p, c30); v128.store(p, c31, 16); }
}

/** The 4-channel tail of tile4x8 (co..co+3), same tap order, bias and relu. */
// @ts-ignore: decorator
@inline function tile4x4(
  xrow: usize, W: i32, KH: i32, KW: i32, w: usize, Kz: usize, bias: usize, yrow: usize, flags: i32, ox: i32, OW: i32, co: usize,
): void {
  const kB = Kz << 2;
  const rowB = <usize>W << 2;
  const zero = f32x4.splat(0);
  const valid = min(4, OW - ox);
  const o0 = <usize>ox << 2;
  const o1 = <usize>min(ox + 1, OW - 1) << 2, o2 = <usize>min(ox + 2, OW - 1) << 2, o3 = <usize>min(ox + 3, OW - 1) << 2;
  let c0 = zero, c1 = zero, c2 = zero, c3 = zero;
  let wp = w + (co << 2);
  let xr = xrow;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const b0 = v128.load(wp);
      const xk = xr + (<usize>kw << 2);
      c0 = fma(v128.load32_splat(xk + o0), b0, c0);
      c1 = fma(v128.load32_splat(xk + o1), b0, c1);
      c2 = fma(v128.load32_splat(xk + o2), b0, c2);
      c3 = fma(v128.load32_splat(xk + o3), b0, c3);
      wp += kB;
    }
    xr += rowB;
  }
  if ((flags & 2) != 0) {
    const q0 = v128.load(bias + (co << 2));
    c0 = f32x4.add(c0, q0); c1 = f32x4.add(c1, q0); c2 = f32x4.add(c2, q0); c3 = f32x4.add(c3, q0);
  }
  if ((flags & 4) != 0) {
    c0 = relu4(c0); c1 = relu4(c1); c2 = relu4(c2); c3 = relu4(c3);
  }
  let p = yrow + ((<usize>ox * Kz + co) << 2);
  v128.store(p, c0);
  if (valid > 1) { p += kB; v128.store(p, c1); }
  if (valid > 2) { p += kB; v128.store(p, c2); }
  if (valid > 3) { p += kB; v128.store(p, c3); }
}
