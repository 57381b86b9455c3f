/**
 * Two-thread WebAssembly kernels: dispatch latency of the Atomics-spinning pool and the 2-core
 * speedup of sgemmU split by rows.
 *
 *   node wasm/build.mjs && npx tsc -p . && node dist/bench/wasm-threads.js
 */
import { nodePlatform } from '../src/node/wasm/platform.js';
import { WasmThreadPool } from '../src/backend/wasm/pool.js';
import { BumpHeap, gflops, loadBenchKernels, maxRelErr, rng, timeIt } from './wasm-common.js';

const THREADS = 2;
const { module, memory, wasm, variant } = loadBenchKernels();
const heap = new BumpHeap(memory);
const pool = WasmThreadPool.create(nodePlatform, module, memory, THREADS, ['sgemmU', 'sgemm', 'nop', 'wino4Forward']);
await pool.ready();
const wsz = wasm.gemmWorkspaceBytes();
const ws = Array.from({ length: THREADS }, () => heap.alloc(Math.max(wsz, 4 << 20)));
pool.setWorkspaces(ws);
const r = rng(7);
console.log(`variant: ${variant}, threads: ${THREADS}`);

// Dispatch latency: an empty job on the worker, main does nothing.
{
  const nop = wasm['nop'] as () => void;
  const t = timeIt(() => pool.run('nop', [[], []], nop), 0.3);
  console.log(`fork-join round trip (spinning worker): ${(t.wall * 1e6).toFixed(2)} us`);
  const t2 = timeIt(() => { for (let i = 0; i < 10; i++) pool.run('nop', [[], []], nop); }, 0.3);
  console.log(`  back-to-back: ${((t2.wall / 10) * 1e6).toFixed(2)} us per job`);
  // Sleeping worker: wait past the spin window first.
  let worst = 0, sum = 0;
  for (let i = 0; i < 10; i++) {
    const until = performance.now() + 30;
    while (performance.now() < until) { /* let the worker fall asleep */ }
    const t0 = performance.now();
    pool.run('nop', [[], []], nop);
    const dt = performance.now() - t0;
    sum += dt; worst = Math.max(worst, dt);
  }
  console.log(`fork-join after the worker slept: mean ${((sum / 10) * 1e3).toFixed(1)} us, worst ${(worst * 1e3).toFixed(1)} us`);
  const t3 = timeIt(() => pool.parallelFor('nop', [], 2, 1, [], nop), 0.3);
  console.log(`parallelFor, 2 chunks of nop: ${(t3.wall * 1e6).toFixed(2)} us`);
}

interface Case { name: string; M: number; N: number; K: number; ta: number; tb: number }
const B = 64;
const cases: Case[] = [
  { name: '1024^3', M: 1024, N: 1024, K: 1024, ta: 0, tb: 0 },
  { name: 'conv2 fwd', M: B * 11 * 11, N: 64, K: 288, ta: 0, tb: 0 },
  { name: 'conv3 fwd', M: B * 9, N: 64, K: 576, ta: 0, tb: 0 },
  { name: 'dense1 fwd', M: B, N: 64, K: 576, ta: 0, tb: 0 },
  { name: 'conv2 dW', M: 288, N: 64, K: B * 11 * 11, ta: 1, tb: 0 },
  { name: 'conv2 dXcol', M: B * 11 * 11, N: 288, K: 64, ta: 0, tb: 1 },
  { name: 'conv3 dW', M: 576, N: 64, K: B * 9, ta: 1, tb: 0 },
];
const MR = 4;
for (const c of cases) {
  const A = heap.random(c.M * c.K, r), Bm = heap.random(c.K * c.N, r);
  const C1 = heap.alloc(c.M * c.N * 4), C2 = heap.alloc(c.M * c.N * 4);
  const lda = c.ta ? c.M : c.K, ldb = c.tb ? c.K : c.N;
  const sg = wasm['sgemmU'] as (...a: number[]) => void;
  const one = () => sg(MR, c.M, c.N, c.K, A, lda, c.ta, Bm, ldb, c.tb, C1, c.N, 0, 0, ws[0]!);
  // Row split, aligned to the micro-tile height.
  const jobs: number[][] = [];
  const per = Math.ceil(c.M / THREADS / MR) * MR;
  for (let t = 0; t < THREADS; t++) {
    const i0 = Math.min(c.M, t * per), rows = Math.min(c.M, i0 + per) - i0;
    const a = c.ta ? A + i0 * 4 : A + i0 * lda * 4;
    jobs.push([MR, rows, c.N, c.K, a, lda, c.ta, Bm, ldb, c.tb, C2 + i0 * c.N * 4, c.N, 0, 0, ws[t]!]);
  }
  const two = () => pool.run('sgemmU', jobs, sg);
  // Dynamic chunks: 8 MR-tiles of rows per chunk (at least ~4 chunks per thread).
  const grain = Math.max(MR, Math.min(8 * MR, Math.ceil(c.M / (4 * THREADS) / MR) * MR));
  const rowStride = c.ta ? 4 : lda * 4;
  const dyn = () => pool.parallelFor('sgemmU', [MR, 0, c.N, c.K, A, lda, c.ta, Bm, ldb, c.tb, C2, c.N, 0, 0, 0], c.M, grain,
    [[1, 0, 1], [4, rowStride, 0], [10, c.N * 4, 0]], sg, 14);
  const t1 = timeIt(one), t2 = timeIt(two), t3 = timeIt(dyn);
  dyn();
  const err3 = maxRelErr(heap.f32(C2, c.M * c.N), heap.f32(C1, c.M * c.N));
  const err = maxRelErr(heap.f32(C2, c.M * c.N), heap.f32(C1, c.M * c.N));
  const fl = 2 * c.M * c.N * c.K;
  console.log(`${c.name.padEnd(12)} ${`${c.M}x${c.N}x${c.K}`.padEnd(15)} 1T ${(t1.wall * 1e6).toFixed(0).padStart(7)} us ${gflops(fl, t1)} | 2T ${(t2.wall * 1e6).toFixed(0).padStart(7)} us ${(fl / t2.wall / 1e9).toFixed(2).padStart(6)} GF/s wall  speedup ${(t1.wall / t2.wall).toFixed(2)}x | dyn ${(t3.wall * 1e6).toFixed(0).padStart(7)} us x${(t1.wall / t3.wall).toFixed(2)}${Math.max(err, err3) > 1e-6 ? ` ERR ${err} ${err3}` : ''}`);
}
pool.close();
