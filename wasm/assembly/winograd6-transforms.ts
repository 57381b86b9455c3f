// The 1-D transforms of Winograd F(6, 3) (8 points: 0, +-1, +-2, +-1/2 and infinity; DESIGN.md
// section 35 measured this set's float32 error: 7-11e-6 of a tile's largest output at C = 16-64),
// four lanes (channels) per vector, for the mixed-tile forward (winograd-mixed.ts).
//
// The matrices are bench/winograd-mr-matrices.py's mats(6, [0, 1, -1, 2, -2, 1/2, -1/2]): A^T[i][j]
// = a_j^i, G[j][k] = a_j^k / prod_{l != j}(a_j - a_l), B^T from the bilinear identity (the same
// B^T as F(4x4, 5x5)'s bt8: it depends on the points only). Written by hand rather than generated
// because rows j and j + 1 differ only in the sign of their odd terms: each pair is one even and
// one odd partial sum, then their sum and difference (26 operations for B^T instead of 36, 20 for
// A^T instead of 34).
import { fma, relu4 } from './simd';

/** o = B^T d for F(6, 3): 8 vectors at p (stride ps) to q (stride qs). */
// @ts-ignore: decorator
@inline export function bt8x6(p: usize, ps: usize, q: usize, qs: usize): void {
  const d0 = v128.load(p), d1 = v128.load(p + ps), d2 = v128.load(p + 2 * ps), d3 = v128.load(p + 3 * ps);
  const d4 = v128.load(p + 4 * ps), d5 = v128.load(p + 5 * ps), d6 = v128.load(p + 6 * ps), d7 = v128.load(p + 7 * ps);
  const c525 = f32x4.splat(5.25), m425 = f32x4.splat(-4.25), m25 = f32x4.splat(-2.5);
  // rows 0 and 7: (d6 - d0) + 21/4 (d2 - d4); (d7 - d1) + 21/4 (d3 - d5)
  v128.store(q, fma(c525, f32x4.sub(d2, d4), f32x4.sub(d6, d0)));
  v128.store(q + 7 * qs, fma(c525, f32x4.sub(d3, d5), f32x4.sub(d7, d1)));
  // rows 1, 2: (d2 + d6 - 17/4 d4) +- (d1 + d5 - 17/4 d3)
  const e1 = fma(m425, d4, f32x4.add(d2, d6)), o1 = fma(m425, d3, f32x4.add(d1, d5));
  v128.store(q + qs, f32x4.add(e1, o1));
  v128.store(q + 2 * qs, f32x4.sub(e1, o1));
  // rows 3, 4: (1/4 d2 - 5/4 d4 + d6) +- (1/2 d1 - 5/2 d3 + 2 d5)
  const e3 = fma(f32x4.splat(-1.25), d4, fma(f32x4.splat(0.25), d2, d6));
  const o3 = fma(f32x4.splat(2), d5, fma(m25, d3, f32x4.mul(f32x4.splat(0.5), d1)));
  v128.store(q + 3 * qs, f32x4.add(e3, o3));
  v128.store(q + 4 * qs, f32x4.sub(e3, o3));
  // rows 5, 6: (4 d2 - 5 d4 + d6) +- (2 d1 - 5/2 d3 + 1/2 d5)
  const e5 = fma(f32x4.splat(-5), d4, fma(f32x4.splat(4), d2, d6));
  const o5 = fma(f32x4.splat(0.5), d5, fma(m25, d3, f32x4.mul(f32x4.splat(2), d1)));
  v128.store(q + 5 * qs, f32x4.add(e5, o5));
  v128.store(q + 6 * qs, f32x4.sub(e5, o5));
}

/** o = G g for F(6, 3): three filter taps to 8 vectors at dst (stride bytes apart). */
// @ts-ignore: decorator
@inline export function g8x6(g0: v128, g1: v128, g2: v128, dst: usize, stride: usize): void {
  const s02 = f32x4.add(g0, g2);
  const ninth = f32x4.splat(<f32>(-2.0 / 9.0));
  v128.store(dst, f32x4.neg(g0));
  v128.store(dst + stride, f32x4.mul(ninth, f32x4.add(s02, g1)));
  v128.store(dst + 2 * stride, f32x4.mul(ninth, f32x4.sub(s02, g1)));
  const e3 = fma(f32x4.splat(<f32>(2.0 / 45.0)), g2, f32x4.mul(f32x4.splat(<f32>(1.0 / 90.0)), g0));
  const o3 = f32x4.mul(f32x4.splat(<f32>(1.0 / 45.0)), g1);
  v128.store(dst + 3 * stride, f32x4.add(e3, o3));
  v128.store(dst + 4 * stride, f32x4.sub(e3, o3));
  const e5 = fma(f32x4.splat(<f32>(8.0 / 45.0)), g2, f32x4.mul(f32x4.splat(<f32>(32.0 / 45.0)), g0));
  const o5 = f32x4.mul(f32x4.splat(<f32>(16.0 / 45.0)), g1);
  v128.store(dst + 5 * stride, f32x4.add(e5, o5));
  v128.store(dst + 6 * stride, f32x4.sub(e5, o5));
  v128.store(dst + 7 * stride, g2);
}

/** o = A^T m for F(6, 3): 8 vectors at p (stride ps) to 6 at q (stride qs). */
// @ts-ignore: decorator
@inline export function at8x6(p: usize, ps: usize, q: usize, qs: usize): void {
  const m0 = v128.load(p), m1 = v128.load(p + ps), m2 = v128.load(p + 2 * ps), m3 = v128.load(p + 3 * ps);
  const m4 = v128.load(p + 4 * ps), m5 = v128.load(p + 5 * ps), m6 = v128.load(p + 6 * ps), m7 = v128.load(p + 7 * ps);
  const a = f32x4.add(m1, m2), b = f32x4.sub(m1, m2), c = f32x4.add(m3, m4), d = f32x4.sub(m3, m4);
  const e = f32x4.add(m5, m6), h = f32x4.sub(m5, m6);
  v128.store(q, f32x4.add(f32x4.add(f32x4.add(m0, a), c), e));
  v128.store(q + qs, fma(f32x4.splat(0.5), h, fma(f32x4.splat(2), d, b)));
  v128.store(q + 2 * qs, fma(f32x4.splat(0.25), e, fma(f32x4.splat(4), c, a)));
  v128.store(q + 3 * qs, fma(f32x4.splat(0.125), h, fma(f32x4.splat(8), d, b)));
  v128.store(q + 4 * qs, fma(f32x4.splat(0.0625), e, fma(f32x4.splat(16), c, a)));
  v128.store(q + 5 * qs, f32x4.add(fma(f32x4.splat(0.03125), h, fma(f32x4.splat(32), d, b)), m7));
}

/** o = A^T m for F(4, 3) (winograd4.ts's output transform): 6 vectors at p (stride ps) to 4 at q (stride qs). */
// @ts-ignore: decorator
@inline export function at6x4(p: usize, ps: usize, q: usize, qs: usize): void {
  const m0 = v128.load(p), m1 = v128.load(p + ps), m2 = v128.load(p + 2 * ps);
  const m3 = v128.load(p + 3 * ps), m4 = v128.load(p + 4 * ps), m5 = v128.load(p + 5 * ps);
  const a = f32x4.add(m1, m2), b = f32x4.sub(m1, m2), c = f32x4.add(m3, m4), d = f32x4.sub(m3, m4);
  v128.store(q, f32x4.add(f32x4.add(m0, a), c));
  v128.store(q + qs, fma(f32x4.splat(2), d, b));
  v128.store(q + 2 * qs, fma(f32x4.splat(4), c, a));
  v128.store(q + 3 * qs, f32x4.add(fma(f32x4.splat(8), d, b), m5));
}

/** act(v + bias + the residual at ro (0: none)): one output vector of the epilogue. */
// @ts-ignore: decorator
@inline function epilogue(v: v128, bv: v128, ro: usize, relu: bool): v128 {
  let o = f32x4.add(v, bv);
  if (ro != 0) o = f32x4.add(o, v128.load(ro));
  return relu ? relu4(o) : o;
}

/**
 * A^T m of one row of F(6, 3) (8 vectors at p, 16 bytes apart) with the epilogue: the first nc of
 * its 6 outputs, act(o + bias + residual), stored kB bytes apart at q (the residual, y's layout,
 * at ro; 0: none). In registers, as wino4Forward's output rows: the row stored to a scratch tile
 * and read back for the epilogue ran the output transform at half the speed.
 */
// @ts-ignore: decorator
@inline export function at8x6Out(p: usize, q: usize, kB: usize, nc: i32, bv: v128, ro: usize, relu: bool): void {
  const m0 = v128.load(p), m1 = v128.load(p, 16), m2 = v128.load(p, 32), m3 = v128.load(p, 48);
  const m4 = v128.load(p, 64), m5 = v128.load(p, 80), m6 = v128.load(p, 96), m7 = v128.load(p, 112);
  const a = f32x4.add(m1, m2), b = f32x4.sub(m1, m2), c = f32x4.add(m3, m4), d = f32x4.sub(m3, m4);
  const e = f32x4.add(m5, m6), h = f32x4.sub(m5, m6);
  v128.store(q, epilogue(f32x4.add(f32x4.add(f32x4.add(m0, a), c), e), bv, ro, relu));
  if (nc > 1) v128.store(q + kB, epilogue(fma(f32x4.splat(0.5), h, fma(f32x4.splat(2), d, b)), bv, ro != 0 ? ro + kB : 0, relu));
  if (nc > 2) v128.store(q + 2 * kB, epilogue(fma(f32x4.splat(0.25), e, fma(f32x4.splat(4), c, a)), bv, ro != 0 ? ro + 2 * kB : 0, relu));
  if (nc > 3) v128.store(q + 3 * kB, epilogue(fma(f32x4.splat(0.125), h, fma(f32x4.splat(8), d, b)), bv, ro != 0 ? ro + 3 * kB : 0, relu));
  if (nc > 4) v128.store(q + 4 * kB, epilogue(fma(f32x4.splat(0.0625), e, fma(f32x4.splat(16), c, a)), bv, ro != 0 ? ro + 4 * kB : 0, relu));
  if (nc > 5) v128.store(q + 5 * kB, epilogue(f32x4.add(fma(f32x4.splat(0.03125), h, fma(f32x4.splat(32), d, b)), m7), bv, ro != 0 ? ro + 5 * kB : 0, relu));
}

/** at8x6Out for a row of F(4, 3): 6 vectors at p to the first nc of 4 outputs. */
// @ts-ignore: decorator
@inline export function at6x4Out(p: usize, q: usize, kB: usize, nc: i32, bv: v128, ro: usize, relu: bool): void {
  const m0 = v128.load(p), m1 = v128.load(p, 16), m2 = v128.load(p, 32);
  const m3 = v128.load(p, 48), m4 = v128.load(p, 64), m5 = v128.load(p, 80);
  const a = f32x4.add(m1, m2), b = f32x4.sub(m1, m2), c = f32x4.add(m3, m4), d = f32x4.sub(m3, m4);
  v128.store(q, epilogue(f32x4.add(f32x4.add(m0, a), c), bv, ro, relu));
  if (nc > 1) v128.store(q + kB, epilogue(fma(f32x4.splat(2), d, b), bv, ro != 0 ? ro + kB : 0, relu));
  if (nc > 2) v128.store(q + 2 * kB, epilogue(fma(f32x4.splat(4), c, a), bv, ro != 0 ? ro + 2 * kB : 0, relu));
  if (nc > 3) v128.store(q + 3 * kB, epilogue(f32x4.add(fma(f32x4.splat(8), d, b), m5), bv, ro != 0 ? ro + 3 * kB : 0, relu));
}
