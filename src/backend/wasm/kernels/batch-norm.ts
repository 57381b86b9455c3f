/**
 * BatchNormTraining and its gradient (wasm/assembly/batch-norm.ts): two passes each over x
 * [rows, C] (the forward's statistics in one). Channel sums run over fixed row blocks (float64 parts added in order here,
 * so results are the same on any number of threads); the per-channel coefficients are computed
 * here in float64 from the sums, and one SIMD pass applies them, split by rows.
 */
import type { KernelFn } from '../../kernels.js';
import { checkBatchNorm } from '../../ref/BatchNormTraining.js';
import { checkedResidual } from '../../ref/Conv2D.js';
import type { WasmContext } from '../context.js';
import { ptrOf } from '../heap.js';
import { Temps } from './inputs.js';
import { BN_LINEAR, BN_RELU, BN_RELU6 } from '../generated/codes.js';

/**
 * Fixed row blocks of the channel sums (not per thread, so sums are reproducible): 16 parts keep
 * both threads busy to the end of the pass, and a part of at least 256 rows amortizes its setup.
 */
const BN_PARTS = 16;
const BN_ROWS_PER_PART_MIN = 256;

function bnBlocks(rows: number): { parts: number; perPart: number } {
  const parts = Math.max(1, Math.min(BN_PARTS, Math.floor(rows / BN_ROWS_PER_PART_MIN)));
  return { parts, perPart: Math.ceil(rows / parts) };
}

/** Adds `parts` float64 blocks of `width` values at ptr, in order. */
function sumParts(ctx: WasmContext, ptr: number, parts: number, width: number): Float64Array {
  const all = new Float64Array(ctx.heap.f32.buffer, ptr, parts * width);
  const s = new Float64Array(width);
  for (let p = 0; p < parts; p++) for (let i = 0; i < width; i++) s[i] += all[p * width + i]!;
  return s;
}

/** Per-channel float32 vectors in one scratch block: returns their pointers. */
function channelVectors(ctx: WasmContext, temps: Temps, vectors: ArrayLike<number>[]): number[] {
  const C = vectors[0]!.length;
  const base = temps.alloc(vectors.length * C * 4);
  vectors.forEach((v, i) => ctx.heap.f32.set(v, (base >> 2) + i * C));
  return vectors.map((_, i) => base + i * C * 4);
}

/** One channel-sum pass over the fixed row blocks; returns the summed float64 values (`width` per part). */
function channelPass(ctx: WasmContext, temps: Temps, rows: number, width: number, run: (perPart: number, out: number, parts: number) => void): Float64Array {
  const { parts, perPart } = bnBlocks(rows);
  const out = temps.alloc(parts * width * 8);
  run(perPart, out, parts);
  return sumParts(ctx, out, parts, width);
}

/** bnApply's and bnGradSumsPart's codes of the activation fused after the norm. */
const BN_ACTS = { linear: BN_LINEAR, relu: BN_RELU, relu6: BN_RELU6 } as const;

/** out = bnApply over every row, split by rows. */
function applyRows(ctx: WasmContext, rows: number, C: number, args: { x: number; dy: number; y: number; mean: number; a: number; b: number; k: number; out: number; act: number; res: number }): void {
  ctx.parallel('bnApply', Object.assign({}, args, { C, r0: 0, nrows: 0 }), { total: rows, grain: ctx.grain(rows, 4, 4), chunk: { r0: [1, 0], nrows: [0, 1] }, work: 3 * rows * C });
}

/**
 * Per-channel mean and (biased) variance of x [rows, C] in one pass (bnStatsPart): float64 sums of
 * d = x - x[0] and d^2, shifted by the first row so that the variance, sum d^2 / n - (sum d / n)^2,
 * does not come from a difference of large sums (each d and d^2 is exact or within a float64
 * rounding of it; one pass over x fewer than summing x and then (x - mean)^2).
 */
function statistics(ctx: WasmContext, temps: Temps, px: number, rows: number, C: number): { m: Float64Array; v: Float64Array } {
  const shift = temps.alloc(C * 8);
  const sh = new Float64Array(ctx.heap.f32.buffer, shift, C);
  if (rows > 0) sh.set(ctx.heap.f32.subarray(px >> 2, (px >> 2) + C));
  const sums = channelPass(ctx, temps, rows, 2 * C, (perPart, out, parts) => {
    // Each part's float32 shift and run sums (bnStatsPart reads rows front to back, sums in L1).
    const runs = temps.alloc(parts * C * 12);
    const args = { x: px, rows, C, shift, perPart, part: 0, out, runs };
    ctx.parallel('bnStatsPart', args, { total: parts, grain: 1, chunk: { part: [1, 0] }, work: 2 * rows * C, unitChunks: true });
  });
  const m = new Float64Array(C), v = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    const d = sums[c]! / rows;
    m[c] = rows === 0 ? NaN : sh[c]! + d;
    v[c] = rows === 0 ? NaN : Math.max(0, sums[C + c]! / rows - d * d);
  }
  return { m, v };
}

export function makeBatchNormTraining(ctx: WasmContext): KernelFn<'BatchNormTraining'> {
  return ({ x, gamma, beta, residual }, { epsilon, activation = 'linear' }) => {
    const [rows, C] = checkBatchNorm('BatchNormTraining', x, epsilon, { gamma, beta });
    const res = residual === undefined ? 0 : ptrOf(checkedResidual(residual, x.shape, 'BatchNormTraining'));
    const y = ctx.heap.output([...x.shape]), mean = ctx.heap.output([C]), variance = ctx.heap.output([C]);
    const temps = new Temps(ctx);
    const px = ptrOf(x);
    const { m, v } = statistics(ctx, temps, px, rows, C);
    ctx.heap.f32.set(m, mean.handle.ptr >> 2);
    ctx.heap.f32.set(v, variance.handle.ptr >> 2);
    const g = gamma === undefined ? null : ctx.heap.f32.slice(ptrOf(gamma) >> 2, (ptrOf(gamma) >> 2) + C);
    const scale = v.map((vc, c) => (g === null ? 1 : g[c]!) / Math.sqrt(vc + epsilon));
    const [a, zero] = channelVectors(ctx, temps, [scale, new Float64Array(C)]);
    applyRows(ctx, rows, C, { x: px, dy: 0, y: 0, mean: mean.handle.ptr, a: a!, b: beta === undefined ? zero! : ptrOf(beta), k: 0, out: y.handle.ptr, act: BN_ACTS[activation], res });
    temps.release();
    return [y, mean, variance];
  };
}

export function makeBatchNormTrainingGrad(ctx: WasmContext): KernelFn<'BatchNormTrainingGrad'> {
  return ({ dy, x, mean, variance, gamma, y }, { epsilon, activation = 'relu', residual = false }) => {
    const [rows, C] = checkBatchNorm('BatchNormTrainingGrad', x, epsilon, { mean, variance, gamma });
    if (dy.shape.length !== x.shape.length || dy.shape.some((d, i) => d !== x.shape[i])) {
      throw new Error(`BatchNormTrainingGrad: expected dy of x's shape [${x.shape.join(', ')}], got [${dy.shape.join(', ')}]`);
    }
    if (y !== undefined && (y.shape.length !== x.shape.length || y.shape.some((d, i) => d !== x.shape[i]))) {
      throw new Error(`BatchNormTrainingGrad: expected y of x's shape [${x.shape.join(', ')}], got [${y.shape.join(', ')}]`);
    }
    const dx = ctx.heap.output([...x.shape]), dgamma = ctx.heap.output([C]), dbeta = ctx.heap.output([C]);
    const dres = residual ? ctx.heap.output([...x.shape]) : null;
    const temps = new Temps(ctx);
    const [pdy, px, pm, py] = [ptrOf(dy), ptrOf(x), ptrOf(mean), y === undefined ? 0 : ptrOf(y)];
    const sums = channelPass(ctx, temps, rows, 2 * C, (perPart, out, parts) => {
      // Each part's float32 run sums (bnGradSumsPart reads rows front to back, sums in L1).
      const runs = temps.alloc(parts * C * 8);
      const args = { dy: pdy, x: px, y: py, mean: pm, rows, C, perPart, part: 0, out, act: BN_ACTS[activation], dres: dres?.handle.ptr ?? 0, runs };
      ctx.parallel('bnGradSumsPart', args, { total: parts, grain: 1, chunk: { part: [1, 0] }, work: 3 * rows * C, unitChunks: true });
    });
    const f = ctx.heap.f32;
    const inv = Float64Array.from(f.subarray(ptrOf(variance) >> 2, (ptrOf(variance) >> 2) + C), (vc) => 1 / Math.sqrt(vc + epsilon));
    const gm = gamma === undefined ? null : f.slice(ptrOf(gamma) >> 2, (ptrOf(gamma) >> 2) + C);
    const db = sums.subarray(0, C), centeredSum = sums.subarray(C);
    const dg = centeredSum.map((s, c) => s * inv[c]!);
    const a = inv.map((s, c) => (gm === null ? 1 : gm[c]!) * s);
    const b = a.map((ac, c) => (ac * db[c]!) / rows);
    const k = a.map((ac, c) => (ac * inv[c]! * inv[c]! * centeredSum[c]!) / rows);
    const [pa, pb, pk] = channelVectors(ctx, temps, [a, b, k]);
    // With a residual the sums pass wrote dy after the activation's gradient to dres: the apply pass reads that, unmasked.
    const g = dres === null ? { dy: pdy, y: py } : { dy: dres.handle.ptr, y: 0 };
    applyRows(ctx, rows, C, { x: px, ...g, mean: pm, a: pa!, b: pb!, k: pk!, out: dx.handle.ptr, act: BN_ACTS[activation], res: 0 });
    ctx.heap.f32.set(dg, dgamma.handle.ptr >> 2);
    ctx.heap.f32.set(db, dbeta.handle.ptr >> 2);
    temps.release();
    return dres === null ? [dx, dgamma, dbeta] : [dx, dgamma, dbeta, dres];
  };
}

