// Blocked single-threaded SGEMM on packed panels (Goto/BLIS-style loop nest).
//
//   C[M x N] (+)= op(A)[M x K] * op(B)[K x N]  (+ bias[N], relu)
//
// All pointers are byte offsets into the (shared) linear memory; strides are in elements.
// op(A)(i, k) = ta ? A[k * lda + i] : A[i * lda + k];  op(B)(k, j) = tb ? B[j * ldb + k] : B[k * ldb + j].
// Threads split the work by calling sgemm on disjoint row (or column) ranges with their own
// workspace (`ws`, at least gemmWorkspaceBytes() bytes, 16-byte aligned).
import { gemmRows4x8, gemmRowsT4x8 } from './gemm-rows';
import { mk4x8, mk5x8, mk6x8, mkI4x8, mkI5x8, mkI6x8, mkT4x8, mkT5x8, mkT6x8 } from './microkernels';

export const KC: i32 = 256;
export const MC: i32 = 120; // multiple of 4, 5 and 6
export const NC: i32 = 1024;
const NR: i32 = 8;

// Flags for sgemm and the micro-kernels: codes.ts.
import { F_ACC, F_BIAS, F_RELU, F_RELU6 } from './codes';

/** Bytes of workspace one sgemm call needs. */
export function gemmWorkspaceBytes(): i32 {
  return (KC * NC + MC * KC + 8 * 8 + 8 + 64) * 4 + 256;
}

// @ts-ignore: decorator
@inline function kernel(mr: i32, kc: i32, a: usize, b: usize, c: usize, ldc: usize, flags: i32, bias: usize): void {
  if (mr == 6) mk6x8(kc, a, b, c, ldc, flags, bias);
  else if (mr == 4) mk4x8(kc, a, b, c, ldc, flags, bias);
  else mk5x8(kc, a, b, c, ldc, flags, bias);
}

// @ts-ignore: decorator
@inline function kernelI(mr: i32, kc: i32, rows: usize, koff: usize, b: usize, c: usize, ldc: usize, flags: i32, bias: usize): void {
  if (mr == 5) mkI5x8(kc, rows, koff, b, c, ldc, flags, bias);
  else if (mr == 4) mkI4x8(kc, rows, koff, b, c, ldc, flags, bias);
  else mkI6x8(kc, rows, koff, b, c, ldc, flags, bias);
}

// @ts-ignore: decorator
@inline function kernelT(mr: i32, kc: i32, a: usize, lda: usize, b: usize, c: usize, ldc: usize, flags: i32, bias: usize): void {
  if (mr == 5) mkT5x8(kc, a, lda, b, c, ldc, flags, bias);
  else if (mr == 4) mkT4x8(kc, a, lda, b, c, ldc, flags, bias);
  else mkT6x8(kc, a, lda, b, c, ldc, flags, bias);
}

/** Packs op(A)[i0 .. i0 + rows, k0 .. k0 + kc] into panels of mr rows, [kc][mr] each, zero-padded. */
export function packA(mr: i32, rows: i32, kc: i32, a: usize, lda: i32, ta: i32, dst: usize): void {
  for (let i = 0; i < rows; i += mr) {
    const r = min(mr, rows - i);
    if (ta) {
      // op(A)(i + r, k) = A[k * lda + i + r]: mr contiguous values per k.
      let src = a + (<usize>i << 2);
      const stride = <usize>lda << 2;
      if (r == mr) {
        for (let k = 0; k < kc; k++) {
          for (let q = 0; q < mr; q++) store<f32>(dst + (<usize>q << 2), load<f32>(src + (<usize>q << 2)));
          src += stride; dst += <usize>mr << 2;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          for (let q = 0; q < mr; q++) store<f32>(dst + (<usize>q << 2), q < r ? load<f32>(src + (<usize>q << 2)) : 0);
          src += stride; dst += <usize>mr << 2;
        }
      }
    } else {
      for (let q = 0; q < mr; q++) {
        let d = dst + (<usize>q << 2);
        const step = <usize>mr << 2;
        if (q < r) {
          let src = a + ((<usize>(i + q) * <usize>lda) << 2);
          for (let k = 0; k < kc; k++) { store<f32>(d, load<f32>(src)); src += 4; d += step; }
        } else {
          for (let k = 0; k < kc; k++) { store<f32>(d, 0); d += step; }
        }
      }
      dst += (<usize>mr * <usize>kc) << 2;
    }
  }
}

/** Packs op(B)[k0 .. k0 + kc, j0 .. j0 + cols] into panels of 8 columns, [kc][8] each, zero-padded. */
export function packB(cols: i32, kc: i32, b: usize, ldb: i32, tb: i32, dst: usize): void {
  const z = f32x4.splat(0);
  for (let j = 0; j < cols; j += NR) {
    const r = min(NR, cols - j);
    if (!tb) {
      let src = b + (<usize>j << 2);
      const stride = <usize>ldb << 2;
      if (r == NR) {
        for (let k = 0; k < kc; k++) {
          v128.store(dst, v128.load(src)); v128.store(dst, v128.load(src, 16), 16);
          src += stride; dst += 32;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          v128.store(dst, z); v128.store(dst, z, 16);
          for (let q = 0; q < r; q++) store<f32>(dst + (<usize>q << 2), load<f32>(src + (<usize>q << 2)));
          src += stride; dst += 32;
        }
      }
    } else {
      for (let q = 0; q < NR; q++) {
        let d = dst + (<usize>q << 2);
        if (q < r) {
          let src = b + ((<usize>(j + q) * <usize>ldb) << 2);
          for (let k = 0; k < kc; k++) { store<f32>(d, load<f32>(src)); src += 4; d += 32; }
        } else {
          for (let k = 0; k < kc; k++) { store<f32>(d, 0); d += 32; }
        }
      }
      dst += <usize>kc << 5;
    }
  }
}

/**
 * C = op(A) * op(B) (flags & F_ACC: C += ...), then + bias (flags & F_BIAS, bias[N]) and relu
 * (flags & F_RELU, then min(., 6) with F_RELU6) applied to the final sum. mr selects the micro-kernel (4, 5 or 6 rows).
 */
export function sgemm(
  mr: i32, M: i32, N: i32, K: i32,
  a: usize, lda: i32, ta: i32,
  b: usize, ldb: i32, tb: i32,
  c: usize, ldc: i32, flags: i32, bias: usize, ws: usize,
): void {
  if (M <= 0 || N <= 0) return;
  const bp = ws;
  const ap = bp + ((<usize>KC * <usize>NC) << 2);
  const tile = ap + ((<usize>MC * <usize>KC) << 2);
  const tbias = tile + 8 * 8 * 4;
  const ldcB = <usize>ldc << 2;
  const z = f32x4.splat(0);
  if (K <= 0) {
    // op(A) * op(B) is all zero: only the epilogue remains.
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        const p = c + ((<usize>i * <usize>ldc + <usize>j) << 2);
        let v: f32 = flags & F_ACC ? load<f32>(p) : 0;
        if (flags & F_BIAS) v += load<f32>(bias + (<usize>j << 2));
        if (flags & F_RELU) v = max(v, 0);
        if (flags & F_RELU6) v = min(v, 6);
        store<f32>(p, v);
      }
    }
    return;
  }
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      const first = pc == 0, last = pc + kc >= K;
      const kflags = (first ? (flags & F_ACC) : F_ACC) | (last ? (flags & (F_BIAS | F_RELU | F_RELU6)) : 0);
      const bsrc = tb ? b + ((<usize>jc * <usize>ldb + <usize>pc) << 2) : b + ((<usize>pc * <usize>ldb + <usize>jc) << 2);
      packB(nc, kc, bsrc, ldb, tb, bp);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        const asrc = ta ? a + ((<usize>pc * <usize>lda + <usize>ic) << 2) : a + ((<usize>ic * <usize>lda + <usize>pc) << 2);
        packA(mr, mc, kc, asrc, lda, ta, ap);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bpanel = bp + ((<usize>jr * <usize>kc) << 2);
          let biasp = bias + (<usize>(jc + jr) << 2);
          if (nr < NR && (kflags & F_BIAS)) {
            v128.store(tbias, z); v128.store(tbias, z, 16);
            for (let q = 0; q < nr; q++) store<f32>(tbias + (<usize>q << 2), load<f32>(biasp + (<usize>q << 2)));
            biasp = tbias;
          }
          for (let ir = 0; ir < mc; ir += mr) {
            const rows = min(mr, mc - ir);
            const apanel = ap + ((<usize>ir * <usize>kc) << 2);
            const cp = c + ((<usize>(ic + ir) * <usize>ldc + <usize>(jc + jr)) << 2);
            if (rows == mr && nr == NR) {
              kernel(mr, kc, apanel, bpanel, cp, ldcB, kflags, biasp);
            } else {
              // Edge tile: run the kernel on a scratch 8x8 tile, copy the valid part.
              if (kflags & F_ACC) {
                for (let r = 0; r < rows; r++) {
                  for (let q = 0; q < nr; q++) {
                    store<f32>(tile + (<usize>(r * 8 + q) << 2), load<f32>(cp + <usize>r * ldcB + (<usize>q << 2)));
                  }
                }
              }
              kernel(mr, kc, apanel, bpanel, tile, 32, kflags, biasp);
              for (let r = 0; r < rows; r++) {
                for (let q = 0; q < nr; q++) {
                  store<f32>(cp + <usize>r * ldcB + (<usize>q << 2), load<f32>(tile + (<usize>(r * 8 + q) << 2)));
                }
              }
            }
          }
        }
      }
    }
  }
}

/** Copies a rows x nr corner of an 8-float-stride scratch tile to/from C. */
// @ts-ignore: decorator
@inline function tileIn(tile: usize, cp: usize, ldcB: usize, rows: i32, nr: i32): void {
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < nr; q++) store<f32>(tile + (<usize>(r * 8 + q) << 2), load<f32>(cp + <usize>r * ldcB + (<usize>q << 2)));
  }
}
// @ts-ignore: decorator
@inline function tileOut(tile: usize, cp: usize, ldcB: usize, rows: i32, nr: i32): void {
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < nr; q++) store<f32>(cp + <usize>r * ldcB + (<usize>q << 2), load<f32>(tile + (<usize>(r * 8 + q) << 2)));
  }
}

/**
 * Same contract as sgemm, but A is never packed: rows of A (ta = 0) are read in place through a
 * row-address table, or (ta = 1) the mr contiguous values of each k are broadcast in place.
 * Loop nest: k-block -> pack B (all N) -> mr-row tile -> 8-column panel.
 */
export function sgemmU(
  mr: i32, M: i32, N: i32, K: i32,
  a: usize, lda: i32, ta: i32,
  b: usize, ldb: i32, tb: i32,
  c: usize, ldc: i32, flags: i32, bias: usize, ws: usize,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || N > NC) { sgemm(mr, M, N, K, a, lda, ta, b, ldb, tb, c, ldc, flags, bias, ws); return; }
  sgemmUOn(mr, M, N, K, a, lda, ta, b, ldb, tb, 0, c, ldc, flags, bias, ws);
}

/** Floats of op(B) [K x N] packed by packBAll: every k-block's 8-column panels, N rounded up to 8. */
// @ts-ignore: decorator
@inline function paddedN(N: i32): usize { return <usize>((N + NR - 1) & ~(NR - 1)); }

/**
 * Packs all of op(B) [K x N] (N <= NC) once, k-block after k-block as sgemmU packs each (block pc
 * at bp + pc * paddedN(N) floats), for sgemmUPacked: threads then share one packed B instead of
 * packing it again for every row block they claim.
 */
export function packBAll(N: i32, K: i32, b: usize, ldb: i32, tb: i32, dst: usize): void {
  for (let pc = 0; pc < K; pc += KC) {
    const kc = min(KC, K - pc);
    packB(N, kc, tb ? b + (<usize>pc << 2) : b + ((<usize>pc * <usize>ldb) << 2), ldb, tb, dst + ((<usize>pc * paddedN(N)) << 2));
  }
}

/** sgemmU with op(B) packed by packBAll at bp (1 <= K, N <= NC). */
export function sgemmUPacked(
  mr: i32, M: i32, N: i32, K: i32,
  a: usize, lda: i32, ta: i32, bp: usize,
  c: usize, ldc: i32, flags: i32, bias: usize, ws: usize,
): void {
  if (M <= 0 || N <= 0 || K <= 0 || N > NC) return;
  sgemmUOn(mr, M, N, K, a, lda, ta, 0, 0, 0, bp, c, ldc, flags, bias, ws);
}

/** The body of sgemmU: B packed per k-block into ws, or read from `packed` (packBAll's layout) when not 0. */
// @ts-ignore: decorator
@inline function sgemmUOn(
  mr: i32, M: i32, N: i32, K: i32,
  a: usize, lda: i32, ta: i32,
  b: usize, ldb: i32, tb: i32, packed: usize,
  c: usize, ldc: i32, flags: i32, bias: usize, ws: usize,
): void {
  let bp = ws;
  const ap = bp + ((<usize>KC * <usize>NC) << 2);
  const tile = ap + ((<usize>MC * <usize>KC) << 2);
  const tbias = tile + 8 * 8 * 4;
  const rowt = tbias + 32;
  const ldcB = <usize>ldc << 2;
  const ldaB = <usize>lda << 2;
  const z = f32x4.splat(0);
  for (let pc = 0; pc < K; pc += KC) {
    const kc = min(KC, K - pc);
    const first = pc == 0, last = pc + kc >= K;
    const kflags = (first ? (flags & F_ACC) : F_ACC) | (last ? (flags & (F_BIAS | F_RELU | F_RELU6)) : 0);
    if (packed != 0) bp = packed + ((<usize>pc * paddedN(N)) << 2);
    else packB(N, kc, tb ? b + (<usize>pc << 2) : b + ((<usize>pc * <usize>ldb) << 2), ldb, tb, bp);
    for (let ir = 0; ir < M; ir += mr) {
      const rows = min(mr, M - ir);
      let arow: usize = 0;
      if (ta) {
        arow = a + ((<usize>pc * <usize>lda + <usize>ir) << 2);
        if (rows < mr) { packA(mr, rows, kc, arow, lda, 1, ap); }
      } else {
        for (let r = 0; r < mr; r++) {
          store<u32>(rowt + (<usize>r << 2), <u32>(a + ((<usize>(ir + min(r, rows - 1)) * <usize>lda + <usize>pc) << 2)));
        }
      }
      let jr0 = 0;
      if (mr == 4 && rows == 4) {
        // Four rows x every full panel in one call (gemm-rows.ts); the partial panel below.
        const panels = N >> 3, cp = c + ((<usize>ir * <usize>ldc) << 2), bStride = <usize>kc << 5;
        if (ta) gemmRowsT4x8(kc, arow, ldaB, bp, bStride, cp, ldcB, panels, kflags, bias);
        else gemmRows4x8(kc, a + ((<usize>ir * <usize>lda + <usize>pc) << 2), ldaB, bp, bStride, cp, ldcB, panels, kflags, bias);
        jr0 = panels << 3;
      }
      for (let jr = jr0; jr < N; jr += NR) {
        const nr = min(NR, N - jr);
        const bpanel = bp + ((<usize>jr * <usize>kc) << 2);
        let biasp = bias + (<usize>jr << 2);
        if (nr < NR && (kflags & F_BIAS)) {
          v128.store(tbias, z); v128.store(tbias, z, 16);
          for (let q = 0; q < nr; q++) store<f32>(tbias + (<usize>q << 2), load<f32>(biasp + (<usize>q << 2)));
          biasp = tbias;
        }
        const cp = c + ((<usize>ir * <usize>ldc + <usize>jr) << 2);
        const full = rows == mr && nr == NR;
        let cdst = cp, ldcd = ldcB;
        if (!full) {
          if (kflags & F_ACC) tileIn(tile, cp, ldcB, rows, nr);
          cdst = tile; ldcd = 32;
        }
        if (!ta) kernelI(mr, kc, rowt, 0, bpanel, cdst, ldcd, kflags, biasp);
        else if (rows == mr) kernelT(mr, kc, arow, ldaB, bpanel, cdst, ldcd, kflags, biasp);
        else kernel(mr, kc, ap, bpanel, cdst, ldcd, kflags, biasp);
        if (!full) tileOut(tile, cp, ldcB, rows, nr);
      }
    }
  }
}
