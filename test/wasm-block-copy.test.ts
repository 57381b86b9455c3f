/**
 * The wasm backend's Slice and Pad copy contiguous runs (kernels/block-copy.ts): against the
 * reference on crops and pads of every axis pattern (inner axes whole or cut, rank 0 to 4, empty
 * blocks, int32), including ZeroPadding2D's NHWC crop and pad.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engine } from '../src/backend/engine.js';
import type { KernelAttrs, KernelId } from '../src/backend/kernels.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import type { Tensor } from '../src/tensor/tensor.js';

registerWasmBackend({ name: 'wasm-block-copy', threads: 1, priority: 0 });

function run(backend: string, id: KernelId, x: Tensor, attrs: unknown): { values: number[]; shape: number[] } {
  engine.setBackend(backend);
  try {
    const y = engine.runKernel(id, { x } as never, attrs as KernelAttrs<typeof id>);
    return { values: Array.from(y.dataSync()), shape: [...y.shape] };
  } finally {
    engine.setBackend('ref');
  }
}

const iota = (shape: number[], dtype: 'float32' | 'int32' = 'float32'): Tensor => {
  const n = shape.reduce((p, q) => p * q, 1);
  const values = dtype === 'int32' ? Int32Array.from({ length: n }, (_, i) => i - 7) : Float32Array.from({ length: n }, (_, i) => i * 0.5 - 3);
  return ops.tensor(values, shape, dtype);
};

function same(id: KernelId, x: Tensor, attrs: unknown, title: string): void {
  assert.deepEqual(run('wasm-block-copy', id, x, attrs), run('ref', id, x, attrs), title);
}

describe('wasm Slice and Pad as contiguous-run copies', () => {
  it('Slice matches the reference', () => {
    const cases: [number[], number[], number[]][] = [
      [[4, 18, 18, 8], [0, 1, 1, 0], [4, 16, 16, 8]],      // ZeroPadding2D's gradient: a spatial crop
      [[3, 5, 6, 7], [1, 2, 0, 3], [2, 2, 6, 4]],          // the channel axis cut too
      [[3, 5, 6, 7], [0, 0, 0, 0], [3, 5, 6, 7]],          // everything
      [[3, 5, 6, 7], [2, 0, 0, 0], [1, -1, -1, -1]],       // one image, -1 sizes
      [[9], [2], [5]], [[2, 3], [1, 0], [1, 3]], [[2, 3], [0, 1], [2, 2]],
      [[4, 4], [1, 1], [0, 2]],                            // empty
      [[], [], []],
    ];
    for (const [shape, begin, size] of cases) {
      same('Slice', iota(shape), { begin, size }, `slice ${shape} at ${begin} size ${size}`);
      same('Slice', iota(shape, 'int32'), { begin, size }, `int32 slice ${shape} at ${begin} size ${size}`);
    }
  });

  it('Pad matches the reference', () => {
    const cases: [number[], [number, number][], number][] = [
      [[4, 16, 16, 8], [[0, 0], [1, 1], [1, 1], [0, 0]], 0],   // ZeroPadding2D
      [[2, 3, 4, 5], [[1, 0], [0, 2], [3, 1], [2, 2]], -1.5],
      [[2, 3, 4, 5], [[0, 0], [0, 0], [0, 0], [0, 0]], 0],
      [[7], [[2, 3]], 4], [[2, 3], [[0, 0], [1, 0]], 0], [[0, 3], [[1, 1], [0, 0]], 2], [[], [], 0],
    ];
    for (const [shape, paddings, value] of cases) {
      same('Pad', iota(shape), { paddings, value }, `pad ${shape} by ${JSON.stringify(paddings)}`);
      same('Pad', iota(shape, 'int32'), { paddings, value: Math.trunc(value) }, `int32 pad ${shape} by ${JSON.stringify(paddings)}`);
    }
  });
});
