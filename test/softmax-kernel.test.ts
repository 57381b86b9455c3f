/**
 * The Softmax kernel (softmax along the last axis) on every backend: worked values, large and
 * NaN logits, the same bits on ref and wasm, agreement with the composed softmax along another
 * axis, one kernel call in place of five, and its errors. (Its gradient rule is checked by
 * finite differences through the op table.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engine } from '../src/backend/engine.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import { kernelCalls } from '../src/backend/kernel-calls.js';

registerWasmBackend({ name: 'wasm-1t', threads: 1, priority: 0 });
const BACKENDS = ['ref', 'wasm-1t'];

function onBackend<T>(backend: string, fn: () => T): T {
  engine.setBackend(backend);
  try {
    return fn();
  } finally {
    engine.setBackend('ref');
  }
}

describe('Softmax kernel', () => {
  for (const backend of BACKENDS) {
    it(`${backend}: worked example, large logits and NaN rows`, () => onBackend(backend, () => {
      const y = ops.softmax(ops.tensor([1, 2, 3, 1000, 1000, -1000, NaN, 0, 1], [3, 3])).dataSync();
      [0.0900306, 0.2447285, 0.6652410].forEach((v, j) => assert.ok(Math.abs(y[j]! - v) < 1e-7, `y[${j}] = ${y[j]}`));
      assert.deepEqual(Array.from(y.slice(3, 6)), [0.5, 0.5, 0]);
      assert.ok(y.slice(6).every(Number.isNaN), 'a NaN logit makes its row NaN');
    }));
  }

  it('ref and wasm give the same bits on a [64, 10] classifier output', () => {
    const r = new Random(3);
    const x = ops.tensor(Float32Array.from({ length: 640 }, () => 4 * r.normal()), [64, 10]);
    const [a, b] = BACKENDS.map((be) => onBackend(be, () => Float32Array.from(ops.softmax(x).dataSync())));
    assert.deepEqual(new Uint32Array(a!.buffer), new Uint32Array(b!.buffer));
  });

  it('equals the composed softmax along a moved axis to float32 rounding', () => {
    const r = new Random(4);
    const x = ops.tensor(Float32Array.from({ length: 60 }, () => 3 * r.normal()), [3, 4, 5]);
    const kernel = ops.softmax(x).dataSync();
    const composed = ops.transpose(ops.softmax(ops.transpose(x, [2, 1, 0]), 0), [2, 1, 0]).dataSync();
    kernel.forEach((v, i) => assert.ok(Math.abs(v - composed[i]!) <= 2e-7, `[${i}]: ${v} vs ${composed[i]}`));
  });

  it('is one kernel call', () => {
    const calls = kernelCalls(() => ops.softmax(ops.tensor([1, 2, 3, 4], [2, 2])));
    assert.deepEqual([...calls], [['Softmax', 1]]);
  });

  it('rejects int32 input, naming the kernel', () => {
    for (const backend of BACKENDS) {
      onBackend(backend, () => {
        assert.throws(() => engine.runKernel('Softmax', { x: ops.tensor([1, 2], [2], 'int32') }, {}), /Softmax: x must be float32, got int32 \(shape \[2\]\)/);
      });
    }
  });
});
