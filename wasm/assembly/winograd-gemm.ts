// The Winograd convs' GEMM micro-kernels: one call covers a block of rows times every 8-column
// panel of B, so the row pointers, the call and the loop set-up are paid once per row block
// instead of once per 5x8 (or 4x8) tile, and the depth loop runs four steps per pass.
import { fma } from './simd';

/** Rows (tiles) per wgRows5x8 call: the Winograd drivers pad their tile chunks to a multiple of it. */
export const WG_ROWS = 5;

/**
 * C[5 x 8 * panels] = A[5 x kc] B[kc x 8 * panels]. A: five rows `lda` bytes apart, kc
 * contiguous floats each; B: `panels` packed panels [kc][8], `bStride` bytes apart; C: rows `ldc`
 * bytes apart, panel p at c + 32 p, overwritten. kc % 4 == 0.
 *
 * Why this shape: V8 (TurboFan) schedules binaryen's nested multiply-add chains of this loop
 * (five row pointers, immediate offsets, four depth steps per pass) at 47-51 GF/s on one thread;
 * the same work with the A operand transposed (five values of a step contiguous, one pointer
 * moving by a stride) gets every load hoisted and spilled, 33-40 GF/s, unrolled or not.
 */
export function wgRows5x8(kc: i32, a: usize, lda: usize, b: usize, bStride: usize, c: usize, ldc: usize, panels: i32): void {
  rows5x8(kc, a, lda, b, bStride, c, ldc, panels, false);
}

/** wgRows5x8 adding to C: C += A B. */
export function wgRows5x8Acc(kc: i32, a: usize, lda: usize, b: usize, bStride: usize, c: usize, ldc: usize, panels: i32): void {
  rows5x8(kc, a, lda, b, bStride, c, ldc, panels, true);
}

/**
 * The two kernels' loop, inlined into each with `acc` a constant: a branch on a run-time flag
 * changed V8's code for the loop itself (the forward GEMM fell from ~50 to ~40 GF/s).
 */
// @ts-ignore: decorator
@inline function rows5x8(kc: i32, a: usize, lda: usize, b: usize, bStride: usize, c: usize, ldc: usize, panels: i32, acc: bool): void {
  const end = a + (<usize>kc << 2);
  for (let p = 0; p < panels; p++) {
    // Accumulating: the sums start from C (adding C after the loop instead made V8's code for the
    // loop ~25% slower).
    const q0 = c + (<usize>p << 5), z = f32x4.splat(0);
    let c00 = acc ? v128.load(q0) : z, c01 = acc ? v128.load(q0, 16) : z;
    let c10 = acc ? v128.load(q0 + ldc) : z, c11 = acc ? v128.load(q0 + ldc, 16) : z;
    let c20 = acc ? v128.load(q0 + 2 * ldc) : z, c21 = acc ? v128.load(q0 + 2 * ldc, 16) : z;
    let c30 = acc ? v128.load(q0 + 3 * ldc) : z, c31 = acc ? v128.load(q0 + 3 * ldc, 16) : z;
    let c40 = acc ? v128.load(q0 + 4 * ldc) : z, c41 = acc ? v128.load(q0 + 4 * ldc, 16) : z;
    let b0: v128, b1: v128, av: v128;
    let a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda;
    let bp = b;
    while (a0 < end) {
      b0 = v128.load(bp, 0); b1 = v128.load(bp, 16);
      av = v128.load32_splat(a0, 0); c00 = fma(av, b0, c00); c01 = fma(av, b1, c01);
      av = v128.load32_splat(a1, 0); c10 = fma(av, b0, c10); c11 = fma(av, b1, c11);
      av = v128.load32_splat(a2, 0); c20 = fma(av, b0, c20); c21 = fma(av, b1, c21);
      av = v128.load32_splat(a3, 0); c30 = fma(av, b0, c30); c31 = fma(av, b1, c31);
      av = v128.load32_splat(a4, 0); c40 = fma(av, b0, c40); c41 = fma(av, b1, c41);
      b0 = v128.load(bp, 32); b1 = v128.load(bp, 48);
      av = v128.load32_splat(a0, 4); c00 = fma(av, b0, c00); c01 = fma(av, b1, c01);
      av = v128.load32_splat(a1, 4); c10 = fma(av, b0, c10); c11 = fma(av, b1, c11);
      av = v128.load32_splat(a2, 4); c20 = fma(av, b0, c20); c21 = fma(av, b1, c21);
      av = v128.load32_splat(a3, 4); c30 = fma(av, b0, c30); c31 = fma(av, b1, c31);
      av = v128.load32_splat(a4, 4); c40 = fma(av, b0, c40); c41 = fma(av, b1, c41);
      b0 = v128.load(bp, 64); b1 = v128.load(bp, 80);
      av = v128.load32_splat(a0, 8); c00 = fma(av, b0, c00); c01 = fma(av, b1, c01);
      av = v128.load32_splat(a1, 8); c10 = fma(av, b0, c10); c11 = fma(av, b1, c11);
      av = v128.load32_splat(a2, 8); c20 = fma(av, b0, c20); c21 = fma(av, b1, c21);
      av = v128.load32_splat(a3, 8); c30 = fma(av, b0, c30); c31 = fma(av, b1, c31);
      av = v128.load32_splat(a4, 8); c40 = fma(av, b0, c40); c41 = fma(av, b1, c41);
      b0 = v128.load(bp, 96); b1 = v128.load(bp, 112);
      av = v128.load32_splat(a0, 12); c00 = fma(av, b0, c00); c01 = fma(av, b1, c01);
      av = v128.load32_splat(a1, 12); c10 = fma(av, b0, c10); c11 = fma(av, b1, c11);
      av = v128.load32_splat(a2, 12); c20 = fma(av, b0, c20); c21 = fma(av, b1, c21);
      av = v128.load32_splat(a3, 12); c30 = fma(av, b0, c30); c31 = fma(av, b1, c31);
      av = v128.load32_splat(a4, 12); c40 = fma(av, b0, c40); c41 = fma(av, b1, c41);
      a0 += 16; a1 += 16; a2 += 16; a3 += 16; a4 += 16; bp += 128;
    }
    let q = q0;
    v128.store(q, c00); v128.store(q, c01, 16); q += ldc;
    v128.store(q, c10); v128.store(q, c11, 16); q += ldc;
    v128.store(q, c20); v128.store(q, c21, 16); q += ldc;
    v128.store(q, c30); v128.store(q, c31, 16); q += ldc;
    v128.store(q, c40); v128.store(q, c41, 16);
    b += bStride;
  }
}
