// The four-rows x all-panels GEMM calls of sgemmU (and, with no epilogue, the Winograd convs'
// wgRows4x8): one call multiplies four rows of A by every full 8-column panel of the packed B, so
// the row pointers, the call and the loop set-up are paid once per four rows instead of once per
// 4x8 tile (the row-table micro-kernels mkI4x8 / mkT4x8): 1.15-1.3x on the zoo's GEMM shapes.
//
// Each output is computed as those micro-kernels compute it: products summed over k in order from
// zero, then + bias, then + C (F_ACC), then relu and the clamp at 6. So sgemmU gives the same bits
// whichever kernel covered a tile, and whatever row blocks the threads claim. (wgRows4x8Acc starts
// its sums from C instead, which rounds differently: it cannot stand in for the F_ACC blocks.)
import { F_ACC, F_BIAS, F_RELU, F_RELU6 } from './codes';
import { cap6, fma, relu4 } from './simd';

/**
 * C[4 x 8 panels] (+)= A[4 x kc] B[kc x 8 panels] (+ bias, relu, relu6 per flags, as mk4x8).
 * A: four rows `lda` bytes apart, kc contiguous floats each. B: `panels` packed panels [kc][8],
 * `bStride` bytes apart. C: rows `ldc` bytes apart, panel p at c + 32 p. bias: 8 floats a panel.
 */
export function gemmRows4x8(kc: i32, a: usize, lda: usize, b: usize, bStride: usize, c: usize, ldc: usize, panels: i32, flags: i32, bias: usize): void {
  rows4x8(kc, a, lda, b, bStride, c, ldc, panels, flags, bias, false);
}

/**
 * gemmRows4x8 with A transposed: A(r, k) at a + 4 r + k lda (the four rows' values of one k are
 * contiguous, as mkT4x8 reads them).
 */
export function gemmRowsT4x8(kc: i32, a: usize, lda: usize, b: usize, bStride: usize, c: usize, ldc: usize, panels: i32, flags: i32, bias: usize): void {
  rows4x8(kc, a, lda, b, bStride, c, ldc, panels, flags, bias, true);
}

/** The two kernels' loop, inlined into each with `transposed` a constant. */
// @ts-ignore: decorator
@inline function rows4x8(
  kc: i32, a: usize, lda: usize, b: usize, bStride: usize, c: usize, ldc: usize, panels: i32, flags: i32, bias: usize,
  transposed: bool,
): void {
  const kBytes = <usize>kc << 5;
  for (let p = 0; p < panels; p++) {
    let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
    let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
    let b0: v128, b1: v128, av: v128;
    let bp = b;
    const end = b + kBytes;
    if (transposed) {
      let ap = a;
      while (bp < end) {
        b0 = v128.load(bp, 0); b1 = v128.load(bp, 16);
        av = v128.load32_splat(ap, 0); c00 = fma(av, b0, c00); c01 = fma(av, b1, c01);
        av = v128.load32_splat(ap, 4); c10 = fma(av, b0, c10); c11 = fma(av, b1, c11);
        av = v128.load32_splat(ap, 8); c20 = fma(av, b0, c20); c21 = fma(av, b1, c21);
        av = v128.load32_splat(ap, 12); c30 = fma(av, b0, c30); c31 = fma(av, b1, c31);
        ap += lda; bp += 32;
      }
    } else {
      let a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
      while (bp < end) {
        b0 = v128.load(bp, 0); b1 = v128.load(bp, 16);
        av = v128.load32_splat(a0, 0); c00 = fma(av, b0, c00); c01 = fma(av, b1, c01);
        av = v128.load32_splat(a1, 0); c10 = fma(av, b0, c10); c11 = fma(av, b1, c11);
        av = v128.load32_splat(a2, 0); c20 = fma(av, b0, c20); c21 = fma(av, b1, c21);
        av = v128.load32_splat(a3, 0); c30 = fma(av, b0, c30); c31 = fma(av, b1, c31);
        a0 += 4; a1 += 4; a2 += 4; a3 += 4; bp += 32;
      }
    }
    if (flags & F_BIAS) {
      const q0 = v128.load(bias), q1 = v128.load(bias, 16);
      c00 = f32x4.add(c00, q0); c01 = f32x4.add(c01, q1);
      c10 = f32x4.add(c10, q0); c11 = f32x4.add(c11, q1);
      c20 = f32x4.add(c20, q0); c21 = f32x4.add(c21, q1);
      c30 = f32x4.add(c30, q0); c31 = f32x4.add(c31, q1);
    }
    let q = c;
    if (flags & F_ACC) {
      c00 = f32x4.add(c00, v128.load(q)); c01 = f32x4.add(c01, v128.load(q, 16)); q += ldc;
      c10 = f32x4.add(c10, v128.load(q)); c11 = f32x4.add(c11, v128.load(q, 16)); q += ldc;
      c20 = f32x4.add(c20, v128.load(q)); c21 = f32x4.add(c21, v128.load(q, 16)); q += ldc;
      c30 = f32x4.add(c30, v128.load(q)); c31 = f32x4.add(c31, v128.load(q, 16));
      q = c;
    }
    if (flags & F_RELU) {
      c00 = relu4(c00); c01 = relu4(c01); c10 = relu4(c10); c11 = relu4(c11);
      c20 = relu4(c20); c21 = relu4(c21); c30 = relu4(c30); c31 = relu4(c31);
    }
    if (flags & F_RELU6) {
      c00 = cap6(c00); c01 = cap6(c01); c10 = cap6(c10); c11 = cap6(c11);
      c20 = cap6(c20); c21 = cap6(c21); c30 = cap6(c30); c31 = cap6(c31);
    }
    v128.store(q, c00); v128.store(q, c01, 16); q += ldc;
    v128.store(q, c10); v128.store(q, c11, 16); q += ldc;
    v128.store(q, c20); v128.store(q, c21, 16); q += ldc;
    v128.store(q, c30); v128.store(q, c31, 16);
    b += bStride; c += 32; bias += 32;
  }
}
