// The Winograd convs' GEMM micro-kernels: one call covers a block of rows times every 8-column
// panel of B, so the row pointers, the call and the loop set-up are paid once per row block
// instead of once per 4x8 tile.
import { F_ACC } from './codes';
import { gemmRows4x8, gemmRowsT4x8 } from './gemm-rows';
import { fma } from './simd';

/**
 * Bytes between two of the 36 components of a Winograd GEMM operand (V, M, G: `bytes` each): whole
 * 64-byte lines, an odd number of them. A tile's transform stores (and the output transform loads)
 * one vector per component; with an even multiple of lines the 36 fall in a few L1 sets and evict
 * each other (44 tiles x 128 channels = 352 lines: two sets).
 */
// @ts-ignore: decorator
@inline export function componentBytes(bytes: usize): usize {
  return (((bytes + 63) >> 6) | 1) << 6;
}

/** Rows (tiles) per wgRows4x8 call: the Winograd drivers pad their tile chunks to a multiple of it. */
export const WG_ROWS = 4;

/**
 * C[4 x 8 * panels] = A[4 x kc] B[kc x 8 * panels]. A: four rows `lda` bytes apart, kc
 * contiguous floats each; B: `panels` packed panels [kc][8], `bStride` bytes apart; C: rows `ldc`
 * bytes apart, panel p at c + 32 p, overwritten.
 *
 * Why this shape (branch vgg-train, AMD EPYC Zen 5, V8 12 / Node 20, one thread, CPU time against
 * the five-row kernel it replaces, cifar-vgg's four Winograd layers): four rows and one depth step
 * per loop iteration (8 accumulators, no spills) ran the forward, dx and dW 1.05-1.18x faster
 * than five rows with four depth steps per iteration (47-51 GF/s on the Sapphire Rapids machine
 * of branch vgg-gemm); four rows with four steps per iteration 0.78-0.99x, five rows with one
 * step 0.59-0.77x. Four rows also need no padding rows in the filter gradient's dU (C % 4 == 0;
 * five rows padded C = 32 to 35, +9% GEMM work).
 */
export function wgRows4x8(kc: i32, a: usize, lda: usize, b: usize, bStride: usize, c: usize, ldc: usize, panels: i32): void {
  // The same loop as sgemmU's four-row calls, with no epilogue (branch gemm-rows: cifar-vgg's and
  // resnet8's Winograd layers 0.98-1.02x of the copy of that loop that was here).
  gemmRows4x8(kc, a, lda, b, bStride, c, ldc, panels, 0, 0);
}

/**
 * wgRows4x8 adding to C: C += A B, the sums starting from C. (Branch vgg-gemm: a branch on a
 * run-time accumulate flag changed V8's code for the loop itself, the forward GEMM falling from
 * ~50 to ~40 GF/s, and so did adding C after the loop; gemmRows4x8's F_ACC adds C after the
 * loop, for sgemm's bits, and measured no such loss on V8 12 / Zen 4, branch gemm-rows.)
 */
export function wgRows4x8Acc(kc: i32, a: usize, lda: usize, b: usize, bStride: usize, c: usize, ldc: usize, panels: i32): void {
  const end = a + (<usize>kc << 2);
  for (let p = 0; p < panels; p++) {
    const q0 = c + (<usize>p << 5);
    let c00 = v128.load(q0), c01 = v128.load(q0, 16);
    let c10 = v128.load(q0 + ldc), c11 = v128.load(q0 + ldc, 16);
    let c20 = v128.load(q0 + 2 * ldc), c21 = v128.load(q0 + 2 * ldc, 16);
    let c30 = v128.load(q0 + 3 * ldc), c31 = v128.load(q0 + 3 * ldc, 16);
    let b0: v128, b1: v128, av: v128;
    let a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
    let bp = b;
    while (a0 < end) {
      b0 = v128.load(bp, 0); b1 = v128.load(bp, 16);
      av = v128.load32_splat(a0, 0); c00 = fma(av, b0, c00); c01 = fma(av, b1, c01);
      av = v128.load32_splat(a1, 0); c10 = fma(av, b0, c10); c11 = fma(av, b1, c11);
      av = v128.load32_splat(a2, 0); c20 = fma(av, b0, c20); c21 = fma(av, b1, c21);
      av = v128.load32_splat(a3, 0); c30 = fma(av, b0, c30); c31 = fma(av, b1, c31);
      a0 += 4; a1 += 4; a2 += 4; a3 += 4; bp += 32;
    }
    let q = q0;
    v128.store(q, c00); v128.store(q, c01, 16); q += ldc;
    v128.store(q, c10); v128.store(q, c11, 16); q += ldc;
    v128.store(q, c20); v128.store(q, c21, 16); q += ldc;
    v128.store(q, c30); v128.store(q, c31, 16);
    b += bStride;
  }
}

/**
 * C = A B over K columns (K % 4 == 0) of the packed panels: wgRows4x8 on the K / 8 whole panels,
 * then, when K % 8 == 4, the first four columns of the last panel alone (its other four are
 * padding lanes, not read; C's columns past K are not written). LeNet-5's 20 channels computed
 * 24 columns, a sixth of the GEMM wasted.
 */
export function wgRows4xK(kc: i32, a: usize, lda: usize, b: usize, bStride: usize, c: usize, ldc: usize, K: i32): void {
  const whole = K >> 3;
  gemmRows4x8(kc, a, lda, b, bStride, c, ldc, whole, 0, 0);
  if (K & 4) rows4x4(kc, a, lda, 4, b + <usize>whole * bStride, c + (<usize>whole << 5), ldc, false);
}

/**
 * The filter gradients' dU GEMM over a chunk of tiles, C (+)= A^T B over K columns as wgRows4xK:
 * A transposed (gemmRowsT4x8: C added after the sum, as the 4x8 kernels' accumulate flag did, so
 * the filter gradients keep their bits), written when `first`, else added to C. One call covers
 * four channels x all panels, where a 4x8 kernel call per panel paid the call and its set-up Kp / 8
 * times.
 */
export function wgRowsT4xK(kc: i32, a: usize, lda: usize, b: usize, bStride: usize, c: usize, ldc: usize, K: i32, first: bool): void {
  const whole = K >> 3;
  const hb = b + <usize>whole * bStride, hc = c + (<usize>whole << 5);
  if (first) {
    gemmRowsT4x8(kc, a, lda, b, bStride, c, ldc, whole, 0, 0);
    if (K & 4) rows4x4(kc, a, 4, lda, hb, hc, ldc, false);
  } else {
    gemmRowsT4x8(kc, a, lda, b, bStride, c, ldc, whole, F_ACC, 0);
    if (K & 4) rows4x4(kc, a, 4, lda, hb, hc, ldc, true);
  }
}

/**
 * C[4 x 4] (+)= A[4 x kc] B[kc x 4], B the first four lanes of a packed [kc][8] panel. A's row r,
 * step k at a + r * rowStep + k * kStep (rowStep lda, kStep 4: tiles' rows; rowStep 4, kStep lda:
 * transposed). Accumulation as the 4x8 kernels': C added after the sum.
 */
// @ts-ignore: decorator
@inline function rows4x4(kc: i32, a: usize, rowStep: usize, kStep: usize, b: usize, c: usize, ldc: usize, acc: bool): void {
  const z = f32x4.splat(0);
  let c0 = z, c1 = z, c2 = z, c3 = z;
  let bv: v128;
  let ap = a, bp = b;
  const end = a + <usize>kc * kStep;
  const r2 = 2 * rowStep, r3 = 3 * rowStep;
  while (ap < end) {
    bv = v128.load(bp);
    c0 = fma(v128.load32_splat(ap), bv, c0);
    c1 = fma(v128.load32_splat(ap + rowStep), bv, c1);
    c2 = fma(v128.load32_splat(ap + r2), bv, c2);
    c3 = fma(v128.load32_splat(ap + r3), bv, c3);
    ap += kStep; bp += 32;
  }
  if (acc) {
    c0 = f32x4.add(c0, v128.load(c)); c1 = f32x4.add(c1, v128.load(c + ldc));
    c2 = f32x4.add(c2, v128.load(c + 2 * ldc)); c3 = f32x4.add(c3, v128.load(c + 3 * ldc));
  }
  v128.store(c, c0); v128.store(c + ldc, c1); v128.store(c + 2 * ldc, c2); v128.store(c + 3 * ldc, c3);
}
