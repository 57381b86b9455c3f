/**
 * The wasm Reduce kernel's sum over consecutive inner axes (global pooling: H and W of [N, H, W, C])
 * in one float64 pass per outer block (kernels/reduce.ts, sumMiddle): the reference's bits (the same
 * float64 additions in the same order), on 1 and 2 threads; other axis sets keep the TS loop.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engine } from '../src/backend/engine.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import { checkKernelAgainstRef, runKernelOn } from './kernel-dispatch-test-util.js';

registerWasmBackend({ name: 'wasm-red-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-red-2t', threads: 2, priority: 0 });
const BACKENDS = ['wasm-red-1t', 'wasm-red-2t'] as const;

describe('wasm Reduce over consecutive inner axes', () => {
  const rng = new Random(61);
  const randn = (shape: number[]) => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape);

  it('sums like the reference, bit for bit, on 1 and 2 threads', () => {
    const cases: [number[], number[], boolean][] = [
      [[5, 3, 4, 7], [1, 2], true], [[2, 9, 6], [1], false], [[3, 2, 5, 4], [2, 3], true], [[4, 3, 2, 9], [1, 2, 3], false],
      [[64, 4, 4, 256], [1, 2], true],
    ];
    for (const [shape, axes, keepDims] of cases) {
      const inputs = { x: randn(shape) };
      const attrs = { op: 'sum', axes, keepDims };
      checkKernelAgainstRef(`sum ${shape.join('x')} over ${axes}`, BACKENDS, 'Reduce', inputs, attrs, 'sumRowsF64');
      assert.deepEqual(runKernelOn('wasm-red-2t', 'Reduce', inputs, attrs).values, runKernelOn('ref', 'Reduce', inputs, attrs).values);
    }
    engine.setBackend('ref');
  });

  it('axes that are not one run, and max, keep the reference loop', () => {
    for (const [op, axes] of [['sum', [1, 3]], ['max', [1, 2]]] as const) {
      const inputs = { x: randn([3, 4, 5, 6]) };
      const attrs = { op, axes: [...axes], keepDims: false };
      const got = runKernelOn('wasm-red-2t', 'Reduce', inputs, attrs);
      assert.ok(!got.calls.includes('sumRowsF64'), `${op} over ${axes}: ${got.calls.join(', ')}`);
      assert.deepEqual(got.values, runKernelOn('ref', 'Reduce', inputs, attrs).values);
    }
    engine.setBackend('ref');
  });
});
