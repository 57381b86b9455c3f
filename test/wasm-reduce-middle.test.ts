/**
 * The wasm Reduce's sum over a run of middle axes (global average pooling: the sum over H and W of
 * NHWC): against the reference backend on odd shapes (column counts with and without an 8-lane
 * tail, one row), bit-identical on 1 and 2 threads, and dispatched to the wasm
 * export rather than the TS fallback.
 */
import { describe, it } from 'node:test';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import { checkKernelAgainstRef } from './kernel-dispatch-test-util.js';

registerWasmBackend({ name: 'wasm-reduce-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-reduce-2t', threads: 2, priority: 0 });
const BACKENDS = ['wasm-reduce-1t', 'wasm-reduce-2t'] as const;

describe('wasm Reduce: sum over middle axes', () => {
  const rng = new Random(17);
  const randn = (shape: number[]) => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape);
  const cases: [number[], number[]][] = [
    [[256, 4, 4, 256], [1, 2]], // mobilenet-mini's global average pooling
    [[64, 8, 8, 64], [1, 2]],
    [[3, 5, 7, 13], [1, 2]],
    [[5, 1, 1, 9], [1, 2]],
    [[4, 6, 10], [1]],
    [[2, 3, 4, 5, 9], [1, 2, 3]],
    [[2, 7, 3, 8], [1]],
  ];
  for (const [shape, axes] of cases) {
    it(`sum of [${shape}] over axes [${axes}]`, () => {
      for (const keepDims of [false, true]) {
        checkKernelAgainstRef(`[${shape}] axes [${axes}] keepDims ${keepDims}`, BACKENDS, 'Reduce', { x: randn(shape) }, { op: 'sum', axes, keepDims }, 'sumRowsF64');
      }
    });
  }
});
