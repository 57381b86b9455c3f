/**
 * sgemmU's four-rows x all-panels calls (wasm/assembly/gemm-rows.ts) and the per-tile path that
 * still covers the remainders: a last block of 1-3 rows (M % 4), a last panel of 1-7 columns
 * (N % 8), odd K and several k-blocks (K > 256, the later blocks accumulating). With mr = 4 a full
 * 4-row block goes through gemmRows4x8 / gemmRowsT4x8; with mr = 5 every tile runs the row-table
 * micro-kernels, which sum each output in the same order, so the two must give the same bits. C
 * starts as NaN (without F_ACC): an output no call writes stays NaN and fails both the bit check
 * and the float64 reference.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { F_ACC, F_BIAS, F_RELU, F_RELU6 } from '../src/backend/wasm/generated/codes.js';
import type { KernelExports } from '../src/backend/wasm/generated/kernel-exports.js';
import { compileKernelsSync, createMemory, instantiate, type WasmVariant } from '../src/backend/wasm/loader.js';
import { nodePlatform } from '../src/node/wasm/platform.js';
import { Random } from '../src/tensor/random.js';

interface Gemm { M: number; N: number; K: number; ta: number; flags: number }

/** One kernel module with a bump allocator over its memory. */
function openModule(variant: WasmVariant) {
  const memory = createMemory();
  const ex: KernelExports = instantiate(compileKernelsSync(nodePlatform, variant).module, memory);
  let top = 1024;
  const alloc = (floats: number): number => {
    const p = (top + 63) & ~63;
    top = p + floats * 4;
    if (top > memory.buffer.byteLength) memory.grow(Math.ceil((top - memory.buffer.byteLength) / 65536));
    return p;
  };
  const f32 = (p: number, n: number) => new Float32Array(memory.buffer, p, n);
  return { ex, alloc, f32, reset: () => { top = 1024; } };
}

/** op(A) op(B) + bias (then + C0, relu, clamp) in float64. */
function reference(g: Gemm, a: Float32Array, b: Float32Array, bias: Float32Array, c0: Float32Array): Float64Array {
  const out = new Float64Array(g.M * g.N);
  for (let i = 0; i < g.M; i++) {
    for (let j = 0; j < g.N; j++) {
      let s = 0;
      for (let k = 0; k < g.K; k++) s += a[g.ta ? k * g.M + i : i * g.K + k]! * b[k * g.N + j]!;
      if (g.flags & F_BIAS) s += bias[j]!;
      if (g.flags & F_ACC) s += c0[i * g.N + j]!;
      if (g.flags & F_RELU) s = Math.max(s, 0);
      if (g.flags & F_RELU6) s = Math.min(s, 6);
      out[i * g.N + j] = s;
    }
  }
  return out;
}

function check(mod: ReturnType<typeof openModule>, g: Gemm, rng: Random, packed: boolean): void {
  mod.reset();
  const { ex, alloc, f32 } = mod;
  const ws = alloc(ex.gemmWorkspaceBytes() / 4);
  const a = alloc(g.M * g.K), b = alloc(g.K * g.N), bias = alloc(g.N), bp = alloc(g.K * Math.ceil(g.N / 8) * 8);
  const c4 = alloc(g.M * g.N), c5 = alloc(g.M * g.N);
  for (const [p, n] of [[a, g.M * g.K], [b, g.K * g.N], [bias, g.N]] as const) f32(p, n).set(Array.from({ length: n }, () => rng.normal()));
  const c0 = Float32Array.from({ length: g.M * g.N }, () => (g.flags & F_ACC ? rng.normal() : NaN));
  f32(c4, g.M * g.N).set(c0);
  f32(c5, g.M * g.N).set(c0);
  const lda = g.ta ? g.M : g.K;
  if (packed) ex.packBAll(g.N, g.K, b, g.N, 0, bp);
  for (const [mr, c] of [[4, c4], [5, c5]] as const) {
    if (packed) ex.sgemmUPacked(mr, g.M, g.N, g.K, a, lda, g.ta, bp, c, g.N, g.flags, bias, ws);
    else ex.sgemmU(mr, g.M, g.N, g.K, a, lda, g.ta, b, g.N, 0, c, g.N, g.flags, bias, ws);
  }
  const label = `${packed ? 'sgemmUPacked' : 'sgemmU'} ${g.M}x${g.N}x${g.K} ta ${g.ta} flags ${g.flags}`;
  const got = f32(c4, g.M * g.N), tiles = f32(c5, g.M * g.N);
  const want = reference(g, f32(a, g.M * g.K), f32(b, g.K * g.N), f32(bias, g.N), c0);
  for (let i = 0; i < got.length; i++) {
    if (!Object.is(got[i], tiles[i])) assert.fail(`${label}: [${Math.floor(i / g.N)}, ${i % g.N}] four-row call ${got[i]}, per tile ${tiles[i]}`);
    const tol = 1e-4 * (1 + Math.sqrt(g.K)) * (1 + Math.abs(want[i]!));
    if (!(Math.abs(got[i]! - want[i]!) <= tol)) assert.fail(`${label}: [${Math.floor(i / g.N)}, ${i % g.N}] ${got[i]} against ${want[i]}`);
  }
}

describe('wasm GEMM four rows x all panels', () => {
  for (const variant of ['relaxed', 'simd'] as const) {
    it(`${variant}: same bits as the per-tile kernels, every remainder written`, () => {
      const mod = openModule(variant);
      const rng = new Random(57);
      const flagSets = [0, F_ACC, F_BIAS | F_RELU, F_ACC | F_BIAS | F_RELU | F_RELU6];
      for (const M of [1, 3, 4, 6, 13]) {
        for (const N of [5, 8, 17, 24]) {
          for (const K of [1, 7, 301]) {
            for (const ta of [0, 1]) {
              for (const flags of flagSets) {
                check(mod, { M, N, K, ta, flags }, rng, true);
                check(mod, { M, N, K, ta, flags }, rng, false);
              }
            }
          }
        }
      }
    });
  }
});
