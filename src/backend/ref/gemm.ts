/**
 * Cache-blocked single-precision GEMM, the workhorse of the reference backend:
 *
 *   C = alpha * op(A) * op(B) + beta * C      op(A): M x K, op(B): K x N, C: M x N
 *
 * All matrices are row-major views into Float32Arrays given by an offset and a leading dimension
 * (the distance between rows), so callers can multiply sub-blocks (one conv group, one batch entry)
 * without copying. A transpose flag means the stored matrix is op(X)^T, e.g. transA: A is K x M.
 *
 * Structure (the classic Goto/BLIS blocking, written in plain TypeScript):
 * - B is packed KC x NC at a time into NR-wide column panels, A MC x KC at a time into MR-tall row
 *   panels. Packing absorbs both transposes and alpha, so one micro-kernel serves every case, and
 *   it widens to float64: the micro-kernel then loads doubles directly (no float32 -> float64
 *   conversion per multiply) and accumulates in double precision.
 * - The MR x NR micro-kernel keeps its block of C in local variables (registers under V8's
 *   optimizing compiler) across the whole KC loop, so each loaded value feeds several multiplies.
 * Edge panels are zero-padded in the packs; the kernel then stores only the valid part of C.
 */
import type { FusedActivation } from '../kernels.js';

const MR = 6;
const NR = 8;
/** K-depth of a packed block: an MR x KC slice of A plus a KC x NR slice of B fit in L1. */
const KC = 256;
/** Rows of A packed at once, a multiple of MR (MC x KC doubles = 144 KiB, L2-resident). */
const MC = 72;
/** Columns of B packed at once (KC x NC doubles = 2 MiB at most, shared by all row blocks). */
const NC = 1024;

/** Pack buffers, grown on demand and reused across calls (the reference backend is single-threaded). */
let packA = new Float64Array(MC * KC);
let packB = new Float64Array(KC * NR);
/** Holds one micro-tile for partial (edge) tiles. */
const edgeTile = new Float32Array(MR * NR);

/** A row-major matrix view: element (r, c) is data[offset + r * ld + c]. */
export interface MatrixView {
  data: Float32Array;
  offset: number;
  ld: number;
}

export interface GemmArgs {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  a: MatrixView;
  b: MatrixView;
  beta: number;
  c: MatrixView;
}

/** C = alpha * op(A) * op(B) + beta * C. With beta = 0, C's old contents (even NaN) are ignored. */
export function gemm(args: GemmArgs): void {
  const { m, n, k, alpha, beta, c } = args;
  if (m <= 0 || n <= 0) return;
  // beta = 0 is folded into the first K block (it overwrites C), saving a pass over C.
  if (beta !== 1 && (beta !== 0 || k <= 0 || alpha === 0)) scaleC(c, m, n, beta);
  if (k <= 0 || alpha === 0) return;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packBlockB(args, pc, kc, jc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packBlockA(args, ic, mc, pc, kc);
        macroKernel(c, ic, mc, jc, nc, kc, beta === 0 && pc === 0);
      }
    }
  }
}

function scaleC(c: MatrixView, m: number, n: number, beta: number): void {
  const d = c.data;
  for (let i = 0; i < m; i++) {
    const row = c.offset + i * c.ld;
    if (beta === 0) d.fill(0, row, row + n);
    else for (let j = row; j < row + n; j++) d[j] *= beta;
  }
}

/**
 * Packs op(A)[ic : ic+mc, pc : pc+kc] * alpha into MR-tall panels: panel q holds, for each p,
 * the MR values of rows q*MR .. q*MR+MR-1 in column p (zero beyond mc).
 */
function packBlockA(args: GemmArgs, ic: number, mc: number, pc: number, kc: number): void {
  const panels = Math.ceil(mc / MR);
  if (packA.length < panels * MR * kc) packA = new Float64Array(panels * MR * kc);
  const { data, offset, ld } = args.a;
  const alpha = args.alpha;
  const dst = packA;
  // op(A)(i, p) lives at rowStride * i + colStride * p.
  const rowStride = args.transA ? 1 : ld;
  const colStride = args.transA ? ld : 1;
  for (let q = 0; q < panels; q++) {
    const base = q * MR * kc;
    for (let ii = 0; ii < MR; ii++) {
      const i = q * MR + ii;
      if (i >= mc) {
        for (let p = 0; p < kc; p++) dst[base + p * MR + ii] = 0;
        continue;
      }
      let src = offset + (ic + i) * rowStride + pc * colStride;
      for (let p = 0; p < kc; p++, src += colStride) dst[base + p * MR + ii] = alpha * data[src];
    }
  }
}

/** Packs op(B)[pc : pc+kc, jc : jc+nc] into NR-wide panels, zero-padded beyond nc. */
function packBlockB(args: GemmArgs, pc: number, kc: number, jc: number, nc: number): void {
  const panels = Math.ceil(nc / NR);
  if (packB.length < panels * NR * kc) packB = new Float64Array(panels * NR * kc);
  const { data, offset, ld } = args.b;
  const dst = packB;
  // op(B)(p, j) lives at rowStride * p + colStride * j.
  const rowStride = args.transB ? 1 : ld;
  const colStride = args.transB ? ld : 1;
  for (let q = 0; q < panels; q++) {
    const base = q * NR * kc;
    for (let jj = 0; jj < NR; jj++) {
      const j = q * NR + jj;
      if (j >= nc) {
        for (let p = 0; p < kc; p++) dst[base + p * NR + jj] = 0;
        continue;
      }
      let src = offset + pc * rowStride + (jc + j) * colStride;
      for (let p = 0; p < kc; p++, src += rowStride) dst[base + p * NR + jj] = data[src];
    }
  }
}

/** Runs the micro-kernel over every MR x NR tile of the packed mc x nc block (`overwrite`: C = AB). */
function macroKernel(c: MatrixView, ic: number, mc: number, jc: number, nc: number, kc: number, overwrite: boolean): void {
  const cd = c.data;
  for (let j = 0; j < nc; j += NR) {
    const bBase = (j / NR) * NR * kc;
    const cols = Math.min(NR, nc - j);
    for (let i = 0; i < mc; i += MR) {
      const aBase = (i / MR) * MR * kc;
      const rows = Math.min(MR, mc - i);
      const cOff = c.offset + (ic + i) * c.ld + jc + j;
      if (rows === MR && cols === NR) {
        microKernel(packA, aBase, packB, bBase, kc, cd, cOff, c.ld, overwrite);
      } else {
        microKernel(packA, aBase, packB, bBase, kc, edgeTile, 0, NR, true);
        for (let r = 0; r < rows; r++) {
          const row = cOff + r * c.ld;
          if (overwrite) for (let s = 0; s < cols; s++) cd[row + s] = edgeTile[r * NR + s];
          else for (let s = 0; s < cols; s++) cd[row + s] += edgeTile[r * NR + s];
        }
      }
    }
  }
}

/**
 * C[0:6, 0:8] (+)= Apanel (6 x kc) * Bpanel (kc x 8). The 48 accumulators stay in locals, fully
 * unrolled over the tile: each step loads 8 values of B and 6 of A for 48 multiply-adds.
 * Why this shape and the `| 0`: among 2..8 x 4..16 tiles 6 x 8 measured fastest under V8, and
 * int32-truncated index arithmetic drops V8's overflow checks (about +25% here). C is always a
 * Float32Array so the call site stays monomorphic.
 */
function microKernel(
  a: Float64Array, ai: number, b: Float64Array, bi: number, kc: number,
  c: Float32Array, ci: number, ldc: number, overwrite: boolean,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c04 = 0, c05 = 0, c06 = 0, c07 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0, c14 = 0, c15 = 0, c16 = 0, c17 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c24 = 0, c25 = 0, c26 = 0, c27 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0, c34 = 0, c35 = 0, c36 = 0, c37 = 0;
  let c40 = 0, c41 = 0, c42 = 0, c43 = 0, c44 = 0, c45 = 0, c46 = 0, c47 = 0;
  let c50 = 0, c51 = 0, c52 = 0, c53 = 0, c54 = 0, c55 = 0, c56 = 0, c57 = 0;
  for (let p = 0; p < kc; p = (p + 1) | 0) {
    const b0 = b[(bi + 0) | 0], b1 = b[(bi + 1) | 0], b2 = b[(bi + 2) | 0], b3 = b[(bi + 3) | 0];
    const b4 = b[(bi + 4) | 0], b5 = b[(bi + 5) | 0], b6 = b[(bi + 6) | 0], b7 = b[(bi + 7) | 0];
    let av = a[(ai + 0) | 0];
    c00 += av * b0; c01 += av * b1; c02 += av * b2; c03 += av * b3;
    c04 += av * b4; c05 += av * b5; c06 += av * b6; c07 += av * b7;
    av = a[(ai + 1) | 0];
    c10 += av * b0; c11 += av * b1; c12 += av * b2; c13 += av * b3;
    c14 += av * b4; c15 += av * b5; c16 += av * b6; c17 += av * b7;
    av = a[(ai + 2) | 0];
    c20 += av * b0; c21 += av * b1; c22 += av * b2; c23 += av * b3;
    c24 += av * b4; c25 += av * b5; c26 += av * b6; c27 += av * b7;
    av = a[(ai + 3) | 0];
    c30 += av * b0; c31 += av * b1; c32 += av * b2; c33 += av * b3;
    c34 += av * b4; c35 += av * b5; c36 += av * b6; c37 += av * b7;
    av = a[(ai + 4) | 0];
    c40 += av * b0; c41 += av * b1; c42 += av * b2; c43 += av * b3;
    c44 += av * b4; c45 += av * b5; c46 += av * b6; c47 += av * b7;
    av = a[(ai + 5) | 0];
    c50 += av * b0; c51 += av * b1; c52 += av * b2; c53 += av * b3;
    c54 += av * b4; c55 += av * b5; c56 += av * b6; c57 += av * b7;
    ai = (ai + 6) | 0;
    bi = (bi + 8) | 0;
  }
  storeRow(c, ci, overwrite, c00, c01, c02, c03, c04, c05, c06, c07);
  storeRow(c, ci + 1 * ldc, overwrite, c10, c11, c12, c13, c14, c15, c16, c17);
  storeRow(c, ci + 2 * ldc, overwrite, c20, c21, c22, c23, c24, c25, c26, c27);
  storeRow(c, ci + 3 * ldc, overwrite, c30, c31, c32, c33, c34, c35, c36, c37);
  storeRow(c, ci + 4 * ldc, overwrite, c40, c41, c42, c43, c44, c45, c46, c47);
  storeRow(c, ci + 5 * ldc, overwrite, c50, c51, c52, c53, c54, c55, c56, c57);
}

/** Stores (or adds) one 8-wide row of a finished tile; small enough for V8 to inline. */
function storeRow(
  c: Float32Array, ci: number, overwrite: boolean,
  v0: number, v1: number, v2: number, v3: number, v4: number, v5: number, v6: number, v7: number,
): void {
  if (overwrite) {
    c[ci] = v0; c[ci + 1] = v1; c[ci + 2] = v2; c[ci + 3] = v3;
    c[ci + 4] = v4; c[ci + 5] = v5; c[ci + 6] = v6; c[ci + 7] = v7;
  } else {
    c[ci] += v0; c[ci + 1] += v1; c[ci + 2] += v2; c[ci + 3] += v3;
    c[ci + 4] += v4; c[ci + 5] += v5; c[ci + 6] += v6; c[ci + 7] += v7;
  }
}

/**
 * The GEMM epilogue shared by MatMul and Conv2D: adds bias[j] to column j of a rows x n
 * row-major matrix and applies the fused activation, in place.
 */
export function biasActivation(y: Float32Array, n: number, bias: Float32Array | null, activation: FusedActivation): void {
  if (bias === null && activation === 'linear') return;
  const b = bias ?? new Float32Array(n);
  for (let row = 0; row < y.length; row += n) {
    if (activation === 'relu6') {
      for (let j = 0; j < n; j++) {
        const v = y[row + j] + b[j];
        y[row + j] = Math.min((v + Math.abs(v)) * 0.5, 6);
      }
      continue;
    }
    if (activation === 'linear') {
      for (let j = 0; j < n; j++) y[row + j] += b[j];
      continue;
    }
    // Branch-free relu, exact in double: (v + |v|) / 2 is v for v > 0, 0 below, NaN for NaN.
    // (A data-dependent branch mispredicts half the time on fresh activations: 4x slower.)
    for (let j = 0; j < n; j++) {
      const v = y[row + j] + b[j];
      y[row + j] = (v + Math.abs(v)) * 0.5;
    }
  }
}
