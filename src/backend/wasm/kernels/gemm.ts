/**
 * Threaded GEMM on the heap: C = op(A) op(B) (+ C, + bias, relu) with sgemmU, split into row
 * blocks (multiples of the micro-kernel's MR rows) that the threads claim dynamically.
 */
import type { WasmContext } from '../context.js';

/** Micro-kernel rows (4 is best or equal on the CNN shapes and leaves the fewest edge rows). */
export const MR = 4;

/**
 * Rows of A per claim, at least (or an even share per thread when M is smaller): every claim packs
 * all of B for itself, so claims of 8 rows packed the seed CNN's dense weights eight times; its
 * dense input gradient (64 x 64 times the transposed 576 x 64 weights) took 240 instead of 349 us
 * in one interleaved run on 2 threads, 346 instead of 374 us in a slower one.
 */
const MIN_CLAIM_ROWS = 32;

export interface GemmCall {
  M: number; N: number; K: number;
  a: number; lda: number; ta: boolean;
  b: number; ldb: number; tb: boolean;
  c: number; ldc: number;
  /** 1 accumulate into C, 2 add bias[N], 4 relu. */
  flags: number;
  bias: number;
}

export function gemm(ctx: WasmContext, g: GemmCall): void {
  if (g.M <= 0 || g.N <= 0) return;
  ctx.workspace(ctx.ex.gemmWorkspaceBytes());
  // sgemmU(mr, M, N, K, a, lda, ta, b, ldb, tb, c, ldc, flags, bias, ws)
  const args = [MR, 0, g.N, g.K, g.a, g.lda, g.ta ? 1 : 0, g.b, g.ldb, g.tb ? 1 : 0, g.c, g.ldc, g.flags, g.bias, 0];
  // A row block starting at row s: op(A) rows shift by s (A[s * lda] or, transposed, A[s]).
  const aStep = g.ta ? 4 : 4 * g.lda;
  const grain = Math.max(ctx.grain(g.M, 3, MR * 2), Math.min(MIN_CLAIM_ROWS, Math.ceil(g.M / ctx.threads / MR) * MR));
  ctx.parallel('sgemmU', args, g.M, grain, [[1, 0, 1], [4, aStep, 0], [10, 4 * g.ldc, 0]], 2 * g.M * g.N * g.K, 14);
}
