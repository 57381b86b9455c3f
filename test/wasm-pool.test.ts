/**
 * The wasm 2x2 / stride 2 pooling fast path (and the generic path next to it) against the reference
 * backend, bit for bit: ties (relu zeros), the first winner getting the gradient, odd sizes whose
 * last row and column belong to no window, max and min.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engine } from '../src/backend/engine.js';
import type { KernelAttrs } from '../src/backend/kernels.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';

registerWasmBackend({ name: 'wasm-pool-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-pool-2t', threads: 2, priority: 0 });

/** Values with many exact ties: half are 0 (like relu outputs), the rest small integers. */
function tiedValues(n: number, rng: Random): Float32Array {
  return Float32Array.from({ length: n }, () => (rng.next() < 0.5 ? 0 : rng.int(5) - 2));
}

describe('wasm pooling', () => {
  it('matches the reference exactly for 2x2 stride-2 windows (fast path) and others', () => {
    const rng = new Random(5);
    const shapes = [[3, 26, 26, 32], [2, 11, 11, 64], [2, 5, 7, 8], [2, 6, 6, 6]];
    for (const shape of shapes) {
      for (const mode of ['max', 'min'] as const) {
        const [N, H, W, C] = shape as [number, number, number, number];
        const xv = tiedValues(N * H * W * C, rng);
        const dyv = Float32Array.from({ length: N * (H >> 1) * (W >> 1) * C }, () => rng.normal());
        const attrs = { mode, poolSize: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] } as KernelAttrs<'Pool2D'>;
        const run = (backend: string) => {
          engine.setBackend(backend);
          const x = ops.tensor(xv, shape);
          const dy = ops.tensor(dyv, [N, H >> 1, W >> 1, C]);
          return [engine.runKernel('Pool2D', { x }, attrs).dataSync(), engine.runKernel('Pool2DGrad', { x, dy }, attrs).dataSync()];
        };
        const [refY, refDx] = run('ref');
        for (const backend of ['wasm-pool-1t', 'wasm-pool-2t']) {
          const [y, dx] = run(backend);
          assert.deepEqual(y, refY, `${backend} ${mode} pool of ${shape}`);
          assert.deepEqual(dx, refDx, `${backend} ${mode} pool gradient of ${shape}`);
        }
        // The gradient reached exactly one cell per window (the first winner), so ties mattered.
        assert.equal(refDx.filter((v) => v !== 0).length, dyv.filter((v) => v !== 0).length);
      }
    }
    engine.setBackend('ref');
  });
});

describe('wasm 2x2 pooling with NaN and signed zeros', () => {
  it('picks the reference winner bit for bit (NaN never beats, ties keep the first)', () => {
    const rng = new Random(6);
    const pick = [Number.NaN, -0, 0, 1, -1];
    const shape = [2, 8, 10, 8];
    const xv = Float32Array.from({ length: 2 * 8 * 10 * 8 }, () => pick[rng.int(pick.length)]!);
    const bits = (v: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(v).buffer));
    for (const mode of ['max', 'min'] as const) {
      const attrs = { mode, poolSize: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] } as KernelAttrs<'Pool2D'>;
      const run = (backend: string) => {
        engine.setBackend(backend);
        return bits(engine.runKernel('Pool2D', { x: ops.tensor(xv, shape) }, attrs).dataSync());
      };
      const ref = run('ref');
      for (const backend of ['wasm-pool-1t', 'wasm-pool-2t']) assert.deepEqual(run(backend), ref, `${backend} ${mode}`);
    }
    engine.setBackend('ref');
  });
});
