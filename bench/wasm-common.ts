/** Shared helpers for the WebAssembly kernel benchmarks: the bench kernel module, a bump heap and timing. */
import { readFileSync } from 'node:fs';
import { createMemory } from '../src/backend/wasm/loader.js';
import { instantiateKernelModule, type WasmMemory } from '../src/backend/wasm/wasm-objects.js';
import type { KernelExports } from '../src/backend/wasm/generated/kernel-exports.js';
import { packageRoot } from '../src/cli/package-root.js';

/** The bench module's exports: the library's, typed, plus the extras of wasm/assembly/bench.ts by name. */
export type Exports = KernelExports & Record<string, (...a: number[]) => number | void>;

/**
 * The micro-benchmarks' kernel module (wasm/build/fovea-bench.wasm, SIMD without relaxed-SIMD so
 * every engine with SIMD runs it): the library's kernels plus the earlier algorithms they are
 * compared with, which the shipped module does not export.
 */
export function loadBenchKernels(): { module: WebAssembly.Module; memory: WasmMemory; wasm: Exports; variant: string } {
  const module = new WebAssembly.Module(readFileSync(`${packageRoot()}/wasm/build/fovea-bench.wasm`));
  const memory = createMemory();
  const wasm = instantiateKernelModule(module, memory) as unknown as Exports;
  return { module, memory, wasm, variant: 'bench (simd)' };
}

export class BumpHeap {
  private top: number;
  constructor(readonly memory: WasmMemory, base = 1024) {
    this.top = base;
  }
  alloc(bytes: number): number {
    const p = (this.top + 63) & ~63;
    this.top = p + bytes;
    const need = this.top - this.memory.buffer.byteLength;
    if (need > 0) this.memory.grow(Math.ceil(need / 65536));
    return p;
  }
  f32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, n);
  }
  /** Allocates n floats filled with uniform [-1, 1) values. */
  random(n: number, rng: () => number = Math.random): number {
    const p = this.alloc(n * 4);
    const v = this.f32(p, n);
    for (let i = 0; i < n; i++) v[i] = rng() * 2 - 1;
    return p;
  }
}

/** Seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Seconds per call of fn: best wall time and best process CPU time over `reps` batches. The machine
 * is shared with other processes; CPU time (user + system, all threads of this process) is the
 * time we actually ran, so for single-threaded kernels `cpu` estimates the undisturbed speed.
 */
export function timeIt(fn: () => void, minTime = 0.3, reps = 7): { wall: number; cpu: number } {
  fn();
  let iters = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < iters; i++) fn();
    const dt = (performance.now() - t0) / 1000;
    if (dt >= minTime / reps) break;
    iters *= 2;
  }
  let wall = Infinity, cpu = Infinity;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < iters; i++) fn();
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    wall = Math.min(wall, (t1 - t0) / 1000 / iters);
    cpu = Math.min(cpu, (c1.user + c1.system) / 1e6 / iters);
  }
  return { wall, cpu };
}

/** "x GFLOPS (wall) / y GFLOPS (cpu)" for a flop count and a timing. */
export function gflops(flops: number, t: { wall: number; cpu: number }): string {
  return `${(flops / t.wall / 1e9).toFixed(2).padStart(6)} GF/s wall ${(flops / t.cpu / 1e9).toFixed(2).padStart(6)} GF/s cpu`;
}

/** Reference C = op(A) op(B) in float64. */
export function refGemm(
  M: number, N: number, K: number,
  a: Float32Array, lda: number, ta: boolean,
  b: Float32Array, ldb: number, tb: boolean,
): Float64Array {
  const c = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let k = 0; k < K; k++) {
      const av = ta ? a[k * lda + i]! : a[i * lda + k]!;
      for (let j = 0; j < N; j++) c[i * N + j] += av * (tb ? b[j * ldb + k]! : b[k * ldb + j]!);
    }
  }
  return c;
}

export function maxRelErr(got: Float32Array, want: ArrayLike<number>): number {
  let err = 0;
  let scale = 1e-6;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
  for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i]! - want[i]!));
  return err / scale;
}

