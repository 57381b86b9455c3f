/**
 * Threaded GEMM on the heap: C = op(A) op(B) (+ C, + bias, relu) with sgemmU, split into row
 * blocks (multiples of the micro-kernel's GEMM_MR rows) that the threads claim dynamically.
 */
import type { FusedActivation } from '../../kernels.js';
import type { WasmContext } from '../context.js';
import { F_RELU, F_RELU6 } from '../generated/codes.js';

/**
 * Micro-kernel rows of the implicit-im2col conv kernels (convImplicit, convBackpropFilter), whose
 * dispatch also asks for (KW * C) % MR == 0.
 */
export const MR = 4;

/**
 * Micro-kernel rows of `gemm` (MatMul, the pointwise convs and their gradients). The 4x8 kernel with
 * one k-step per loop iteration (wasm/gen-microkernels.mjs) runs at 53-55 GF/s per thread on this
 * machine's AMD EPYC under V8, against 33-38 for the 5x8 kernel unrolled twice that was used before
 * (which had replaced 4x8 unrolled twice, 28-33): section mb-infer of DESIGN.md. With mr = 4,
 * sgemmU runs each full 4-row block over all full 8-column panels in one call (gemmRows4x8,
 * 1.15-1.3x the call per 4x8 tile: DESIGN.md section 57); other mr keep the call per tile.
 */
export const GEMM_MR = 4;

/**
 * Rows of A per claim, at least (or an even share per thread when M is smaller): every claim packs
 * all of B for itself, so claims of 8 rows packed the seed CNN's dense weights eight times; its
 * dense input gradient (64 x 64 times the transposed 576 x 64 weights) took 240 instead of 349 us
 * in one interleaved run on 2 threads, 346 instead of 374 us in a slower one.
 */
const MIN_CLAIM_ROWS = 32;

/** The micro-kernels' epilogue flags for a fused activation (relu6: relu, then the clamp at 6). */
export function epilogueFlags(activation: FusedActivation): number {
  return activation === 'relu' ? F_RELU : activation === 'relu6' ? F_RELU | F_RELU6 : 0;
}

export interface GemmCall {
  M: number; N: number; K: number;
  a: number; lda: number; ta: boolean;
  b: number; ldb: number; tb: boolean;
  c: number; ldc: number;
  /** F_ACC accumulate into C, F_BIAS add bias[N], F_RELU relu (generated/codes.ts). */
  flags: number;
  bias: number;
}

/** sgemmU's widest packed B (its NC): wider products pack per claim (sgemmU falls back to sgemm). */
const PACKED_MAX_N = 1024;

/**
 * C = op(A) op(B): op(B) packed once (packBAll) and shared by the threads' row blocks
 * (sgemmUPacked), so the blocks can be small without packing B again for each: the last block
 * the main thread waits for is short, and a layer with few rows (4x4 pixels) no longer packs its
 * weights a dozen times.
 */
export function gemm(ctx: WasmContext, g: GemmCall): void {
  if (g.M <= 0 || g.N <= 0) return;
  ctx.workspace(ctx.size('gemmWorkspaceBytes', {}));
  if (g.K <= 0 || g.N > PACKED_MAX_N) {
    gemmPackingPerClaim(ctx, g);
    return;
  }
  const packed = ctx.heap.scratch(g.K * Math.ceil(g.N / 8) * 8 * 4);
  ctx.call('packBAll', { N: g.N, K: g.K, b: g.b, ldb: g.ldb, tb: g.tb ? 1 : 0, dst: packed.ptr });
  const args = {
    mr: GEMM_MR, M: 0, N: g.N, K: g.K, a: g.a, lda: g.lda, ta: g.ta ? 1 : 0, bp: packed.ptr,
    c: g.c, ldc: g.ldc, flags: g.flags, bias: g.bias, ws: 0,
  };
  const aStep = g.ta ? 4 : 4 * g.lda;
  ctx.parallel('sgemmUPacked', args, {
    total: g.M, grain: ctx.grain(g.M, 4, GEMM_MR * 2), chunk: { M: [0, 1], a: [aStep, 0], c: [4 * g.ldc, 0] }, work: 2 * g.M * g.N * g.K, workspace: 'ws',
  });
  ctx.heap.releaseScratch(packed);
}

/** gemm through sgemmU, which packs B for every row block it is given (K <= 0, or N too wide to pack once). */
function gemmPackingPerClaim(ctx: WasmContext, g: GemmCall): void {
  const args = {
    mr: GEMM_MR, M: 0, N: g.N, K: g.K, a: g.a, lda: g.lda, ta: g.ta ? 1 : 0, b: g.b, ldb: g.ldb, tb: g.tb ? 1 : 0,
    c: g.c, ldc: g.ldc, flags: g.flags, bias: g.bias, ws: 0,
  };
  // A row block starting at row s: op(A) rows shift by s (A[s * lda] or, transposed, A[s]).
  const aStep = g.ta ? 4 : 4 * g.lda;
  const grain = Math.max(ctx.grain(g.M, 3, GEMM_MR * 2), Math.min(Math.ceil(MIN_CLAIM_ROWS / GEMM_MR) * GEMM_MR, Math.ceil(g.M / ctx.threads / GEMM_MR) * GEMM_MR));
  ctx.parallel('sgemmU', args, {
    total: g.M, grain, chunk: { M: [0, 1], a: [aStep, 0], c: [4 * g.ldc, 0] }, work: 2 * g.M * g.N * g.K, workspace: 'ws',
  });
}
