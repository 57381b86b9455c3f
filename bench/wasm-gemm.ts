/**
 * SGEMM micro-benchmarks of the WebAssembly kernels: correctness sweep, then GFLOPS per thread
 * on 1024^3 and on the GEMM shapes of the Keras MNIST CNN (batch 64).
 *
 *   npm run build && node dist/bench/wasm-gemm.js [--fn=sgemm,sgemmU] [--mr=6]   (the bench module: SIMD)
 */
import { F_ACC, F_BIAS, F_RELU } from '../src/backend/wasm/generated/codes.js';
import { BumpHeap, gflops, loadBenchKernels, maxRelErr, refGemm, rng, timeIt } from './wasm-common.js';

const args = process.argv.slice(2);
const fns = (args.find((a) => a.startsWith('--fn='))?.slice(5) ?? 'sgemm,sgemmU').split(',');
const mrs = (args.find((a) => a.startsWith('--mr='))?.slice(5) ?? '4,5,6').split(',').map(Number);

const { memory, wasm, variant } = loadBenchKernels();
const heap = new BumpHeap(memory);
const ws = heap.alloc(wasm.gemmWorkspaceBytes());
const r = rng(42);
console.log(`variant: ${variant}`);

// --- correctness ---
{
  let worst = 0;
  const shapes: [number, number, number][] = [[1, 1, 1], [7, 9, 5], [13, 17, 300], [64, 64, 576], [125, 33, 513], [6, 8, 0]];
  for (const fn of fns) for (const mr of mrs) {
    const gemm = wasm[fn] as typeof wasm.sgemm;
    for (const [M, N, K] of shapes) {
      for (const ta of [0, 1]) {
        for (const tb of [0, 1]) {
          for (const flags of [0, F_ACC, F_BIAS | F_RELU, F_ACC | F_BIAS]) {
            const lda = ta ? M + 3 : K + 1, ldb = tb ? K + 2 : N + 5, ldc = N + 1;
            const A = heap.random(Math.max(1, ta ? K * lda : M * lda), r);
            const B = heap.random(Math.max(1, tb ? N * ldb : K * ldb), r);
            const C = heap.random(M * ldc, r);
            const bias = heap.random(N, r);
            const c0 = heap.f32(C, M * ldc).slice();
            gemm(mr, M, N, K, A, lda, ta, B, ldb, tb, C, ldc, flags, bias, ws);
            const want = refGemm(M, N, K, heap.f32(A, Math.max(1, ta ? K * lda : M * lda)), lda, !!ta,
              heap.f32(B, Math.max(1, tb ? N * ldb : K * ldb)), ldb, !!tb);
            const bv = heap.f32(bias, N);
            const got = new Float32Array(M * N), exp = new Float64Array(M * N);
            const cv = heap.f32(C, M * ldc);
            for (let i = 0; i < M; i++) {
              for (let j = 0; j < N; j++) {
                let v = want[i * N + j]!;
                if (flags & F_ACC) v += c0[i * ldc + j]!;
                if (flags & F_BIAS) v += bv[j]!;
                if (flags & F_RELU) v = Math.max(v, 0);
                exp[i * N + j] = v;
                got[i * N + j] = cv[i * ldc + j]!;
              }
            }
            const e = maxRelErr(got, exp);
            worst = Math.max(worst, e);
            if (e > 1e-5) console.log(`MISMATCH ${fn} mr=${mr} ${M}x${N}x${K} ta=${ta} tb=${tb} flags=${flags}: ${e}`);
          }
        }
      }
    }
  }
  console.log(`correctness: max rel err ${worst.toExponential(2)}`);
}

// --- speed ---
interface Case { name: string; M: number; N: number; K: number; ta: number; tb: number }
const B = 64;
const cases: Case[] = [
  { name: '1024^3', M: 1024, N: 1024, K: 1024, ta: 0, tb: 0 },
  { name: 'conv1 fwd (im2col)', M: B * 26 * 26, N: 32, K: 9, ta: 0, tb: 0 },
  { name: 'conv2 fwd', M: B * 11 * 11, N: 64, K: 288, ta: 0, tb: 0 },
  { name: 'conv3 fwd', M: B * 3 * 3, N: 64, K: 576, ta: 0, tb: 0 },
  { name: 'dense1 fwd', M: B, N: 64, K: 576, ta: 0, tb: 0 },
  { name: 'conv2 dW (xcol^T dy)', M: 288, N: 64, K: B * 11 * 11, ta: 1, tb: 0 },
  { name: 'conv2 dXcol (dy W^T)', M: B * 11 * 11, N: 288, K: 64, ta: 0, tb: 1 },
  { name: 'conv3 dW', M: 576, N: 64, K: B * 9, ta: 1, tb: 0 },
  { name: 'conv3 dXcol', M: B * 9, N: 576, K: 64, ta: 0, tb: 1 },
  { name: 'conv1 dW', M: 9, N: 32, K: B * 26 * 26, ta: 1, tb: 0 },
  { name: 'dense1 dW', M: 576, N: 64, K: B, ta: 1, tb: 0 },
  { name: 'dense1 dX', M: B, N: 576, K: 64, ta: 0, tb: 1 },
];
// Pure micro-kernel throughput: packed panels resident in L1, kc = 256.
for (const mr of mrs) {
  const kc = 256;
  const ap = heap.random(kc * mr, r), bp = heap.random(kc * 8, r), cp = heap.alloc(8 * 8 * 4);
  const mk = wasm[`mk${mr}x8`] as (kc: number, a: number, b: number, c: number, ldc: number, f: number, bias: number) => void;
  const t = timeIt(() => { for (let i = 0; i < 1000; i++) mk(kc, ap, bp, cp, 32, 0, 0); });
  console.log(`micro-kernel ${mr}x8 alone (L1): ${gflops(2 * mr * 8 * kc * 1000, t)}`);
}
for (const fn of fns) for (const mr of mrs) {
  const gemm = wasm[fn] as typeof wasm.sgemm;
  console.log(`\n${fn}, micro-kernel ${mr}x8`);
  for (const c of cases) {
    const A = heap.random(c.M * c.K, r), Bm = heap.random(c.K * c.N, r), C = heap.alloc(c.M * c.N * 4);
    const lda = c.ta ? c.M : c.K, ldb = c.tb ? c.K : c.N;
    const t = timeIt(() => gemm(mr, c.M, c.N, c.K, A, lda, c.ta, Bm, ldb, c.tb, C, c.N, 0, 0, ws));
    console.log(`  ${c.name.padEnd(22)} ${`${c.M}x${c.N}x${c.K}`.padEnd(16)} ${(t.wall * 1e6).toFixed(1).padStart(9)} us  ${gflops(2 * c.M * c.N * c.K, t)}`);
  }
}
