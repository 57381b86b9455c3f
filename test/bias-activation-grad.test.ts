/**
 * The BiasActivationGrad kernel on every backend: the same dz as UnaryGrad(relu, relu6) and the same bias
 * gradient as Reduce's sum of that dz, bit for bit, on shapes with odd channel counts and with one
 * and several fixed row blocks; the wasm kernel on 1 and 2 threads; NaN and signed-zero cases;
 * the contract's errors. (Its use in conv2d and dense is gradient-checked through the op table.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engine } from '../src/backend/engine.js';
import type { FusedActivation } from '../src/backend/kernels.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';

registerWasmBackend({ name: 'wasm-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-2t', threads: 2, priority: 0 });
const BACKENDS = ['ref', 'wasm-1t', 'wasm-2t'];

/** [3, 5, 7, 13]: one block, 13 channels (SIMD and scalar tails); [64, 26, 26, 32]: conv1's 8 blocks. */
const SHAPES = [[3, 5, 7, 13], [64, 26, 26, 32], [6, 10], [700, 5], [1, 1]];

function randomPair(shape: number[], seed: number, activation: FusedActivation = 'relu'): [Tensor, Tensor] {
  const r = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  // y as a relu output: a quarter exact zeros; as a relu6 output: also ~15% exact 6s.
  const y = Float32Array.from({ length: n }, () => (activation === 'relu6' ? Math.min(6, Math.max(0, 4 * r.normal() + 2)) : Math.max(0, r.normal() + 0.6)));
  const dy = Float32Array.from({ length: n }, () => r.normal());
  return [ops.tensor(dy, shape), ops.tensor(y, shape)];
}

function fused(backend: string, dy: Tensor, y: Tensor, activation: FusedActivation): [Float32Array, Float32Array] {
  engine.setBackend(backend);
  const [dz, db] = engine.runKernelOutputs('BiasActivationGrad', { dy, y }, { activation });
  return [Float32Array.from(dz!.dataSync()), Float32Array.from(db!.dataSync())];
}

function unfused(backend: string, dy: Tensor, y: Tensor, activation: FusedActivation): [Float32Array, Float32Array] {
  engine.setBackend(backend);
  const dz = activation === 'linear' ? dy : engine.runKernel('UnaryGrad', { x: y, dy }, { op: activation, alpha: 0 });
  const db = ops.sum(dz, Array.from({ length: dy.rank - 1 }, (_, i) => i));
  return [Float32Array.from(dz.dataSync()), Float32Array.from(db.dataSync())];
}

function assertSameBits(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const a = new Uint32Array(actual.buffer), e = new Uint32Array(expected.buffer);
  for (let i = 0; i < e.length; i++) {
    if (a[i] !== e[i]) assert.fail(`${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

describe('BiasActivationGrad', () => {
  for (const backend of BACKENDS) {
    for (const activation of ['relu', 'relu6', 'linear'] as const) {
      it(`${backend} ${activation}: equals UnaryGrad + Reduce bit for bit`, () => {
        SHAPES.forEach((shape, k) => {
          const [dy, y] = randomPair(shape, 10 + k, activation);
          const [dz, db] = fused(backend, dy, y, activation);
          const [dz0, db0] = unfused(backend, dy, y, activation);
          assertSameBits(dz, dz0, `${backend} [${shape}] dz`);
          assertSameBits(db, db0, `${backend} [${shape}] dbias`);
        });
        engine.setBackend('ref');
      });
    }
  }

  it('relu: the bias gradient is the float64 sum of the masked dy', () => {
    const [dy, y] = randomPair([5, 4, 3, 6], 3);
    const dys = dy.dataSync(), ys = y.dataSync();
    const want = new Float64Array(6);
    for (let i = 0; i < dys.length; i++) want[i % 6] += ys[i]! > 0 ? dys[i]! : 0;
    for (const backend of BACKENDS) {
      const [, db] = fused(backend, dy, y, 'relu');
      db.forEach((v, c) => assert.ok(Math.abs(v - want[c]!) <= 1e-6 * Math.max(1, Math.abs(want[c]!)), `${backend} dbias[${c}]: ${v} vs ${want[c]}`));
    }
    engine.setBackend('ref');
  });

  for (const activation of ['relu', 'relu6'] as const) {
    it(`wasm on 2 threads equals 1 thread on a large input (${activation})`, () => {
      const [dy, y] = randomPair([64, 11, 11, 64], 5, activation);
      const [dz1, db1] = fused('wasm-1t', dy, y, activation);
      const [dz2, db2] = fused('wasm-2t', dy, y, activation);
      assertSameBits(dz2, dz1, 'dz');
      assertSameBits(db2, db1, 'dbias');
      engine.setBackend('ref');
    });
  }

  it('relu6: no gradient where y is 0 or 6', () => {
    const dy = ops.tensor([1, 2, 3, 4, 5, 6], [3, 2]);
    const y = ops.tensor([0, 6, 5.9990, 0.001, 6, 3], [3, 2]);
    for (const backend of BACKENDS) {
      const [dz, db] = fused(backend, dy, y, 'relu6');
      assert.deepEqual([...dz], [0, 0, 3, 4, 0, 6], backend);
      assert.deepEqual([...db], [3, 10], backend);
    }
    engine.setBackend('ref');
  });

  it('keeps NaN and the sign of zero like dy * relu\'(y)', () => {
    const dy = ops.tensor([NaN, NaN, -2, 3, -1, 0], [3, 2]);
    const y = ops.tensor([0, 1, 0, 2, 5, 0], [3, 2]);
    for (const backend of BACKENDS) {
      const [dz, db] = fused(backend, dy, y, 'relu');
      assert.ok(Number.isNaN(dz[0]) && Number.isNaN(dz[1]), `${backend}: NaN dy stays NaN`);
      assert.ok(Object.is(dz[2], -0), `${backend}: -2 * 0 is -0, got ${dz[2]}`);
      assert.deepEqual([dz[3], dz[4], dz[5]], [3, -1, 0]);
      assert.ok(Number.isNaN(db[0]) && Number.isNaN(db[1]), `${backend}: NaN reaches dbias`);
    }
    engine.setBackend('ref');
  });

  it('rejects mismatched shapes, int32 and unknown activations, naming the kernel', () => {
    for (const backend of BACKENDS) {
      engine.setBackend(backend);
      const y = ops.tensor([1, 2, 3, 4], [2, 2]);
      assert.throws(() => engine.runKernelOutputs('BiasActivationGrad', { dy: ops.tensor([1, 2], [1, 2]), y }, { activation: 'relu' }),
        /BiasActivationGrad\(relu\): dy must have y's shape \[2, 2\], got \[1, 2\]/);
      assert.throws(() => engine.runKernelOutputs('BiasActivationGrad', { dy: ops.tensor([1, 2, 3, 4], [2, 2], 'int32'), y }, { activation: 'relu' }),
        /must be float32, got int32/);
      assert.throws(() => engine.runKernelOutputs('BiasActivationGrad', { dy: y, y }, { activation: 'tanh' as FusedActivation }),
        /BiasActivationGrad\(tanh\): activation must be 'linear', 'relu' or 'relu6'/);
    }
    engine.setBackend('ref');
  });
});
