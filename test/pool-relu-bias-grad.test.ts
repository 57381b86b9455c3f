/**
 * Pool2DReluBiasGrad, the backward through pool(relu(z + bias)) in one kernel:
 * - on every backend it equals Pool2DGrad then BiasActivationGrad(relu): dz bit for bit, dbias to
 *   float64-sum rounding, on the plain 2x2 path (even and odd sizes) and the generic one
 *   (channel tails, overlapping padded windows, avg and min); wasm on 2 threads equals 1 thread;
 * - the graph rewrite: a Conv2D(bias, relu) -> pooling backward runs it instead of the two
 *   kernels, with the same gradients, and only when the gradient at the conv output is read by
 *   nobody else (asked for, or consumed by a second op: the exact path runs).
 * (The conv + pool chain is gradient-checked through the op table.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradients } from '../src/autograd/backward.js';
import { engine } from '../src/backend/engine.js';
import type { Pool2DAttrs } from '../src/backend/kernels.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import { kernelCalls } from '../src/backend/kernel-calls.js';
import type { Tensor } from '../src/tensor/tensor.js';

registerWasmBackend({ name: 'wasm-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-2t', threads: 2, priority: 0 });
const BACKENDS = ['ref', 'wasm-1t', 'wasm-2t'];

const plain2x2 = (mode: Pool2DAttrs['mode'] = 'max'): Pool2DAttrs => ({ mode, poolSize: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] });

const CASES: { title: string; y: number[]; attrs: Pool2DAttrs }[] = [
  { title: "conv1's [64, 26, 26, 32]", y: [64, 26, 26, 32], attrs: plain2x2() },
  { title: 'odd size (last row and column unpooled)', y: [5, 11, 11, 12], attrs: plain2x2() },
  { title: '13 channels (generic path)', y: [3, 7, 9, 13], attrs: plain2x2() },
  { title: 'overlapping 3x3 windows, stride 2, padded', y: [2, 9, 9, 8], attrs: { mode: 'max', poolSize: [3, 3], strides: [2, 2], pad: [1, 1, 1, 1] } },
  { title: 'min', y: [2, 6, 6, 8], attrs: plain2x2('min') },
  { title: 'avg', y: [2, 7, 6, 4], attrs: plain2x2('avg') },
];

function outShape(y: number[], a: Pool2DAttrs): number[] {
  const out = (n: number, k: number, s: number, p: number) => Math.floor((n + p - k) / s) + 1;
  return [y[0]!, out(y[1]!, a.poolSize[0], a.strides[0], a.pad[0] + a.pad[1]), out(y[2]!, a.poolSize[1], a.strides[1], a.pad[2] + a.pad[3]), y[3]!];
}

/** y as a relu output (about a third exact zeros, so whole windows of ties occur) and a dy. */
function randomPair(shape: number[], attrs: Pool2DAttrs, seed: number): [Tensor, Tensor] {
  const r = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const y = ops.tensor(Float32Array.from({ length: n }, () => Math.max(0, r.normal() + 0.4)), shape);
  const dyShape = outShape(shape, attrs);
  const dy = ops.tensor(Float32Array.from({ length: dyShape.reduce((a, b) => a * b, 1) }, () => r.normal()), dyShape);
  return [y, dy];
}

function fused(backend: string, y: Tensor, dy: Tensor, attrs: Pool2DAttrs): [Float32Array, Float32Array] {
  engine.setBackend(backend);
  const [dz, db] = engine.runKernelOutputs('Pool2DReluBiasGrad', { y, dy }, attrs);
  return [Float32Array.from(dz!.dataSync()), Float32Array.from(db!.dataSync())];
}

function unfused(backend: string, y: Tensor, dy: Tensor, attrs: Pool2DAttrs): [Float32Array, Float32Array] {
  engine.setBackend(backend);
  const routed = engine.runKernel('Pool2DGrad', { x: y, dy }, attrs);
  const [dz, db] = engine.runKernelOutputs('BiasActivationGrad', { dy: routed, y }, { activation: 'relu' });
  return [Float32Array.from(dz!.dataSync()), Float32Array.from(db!.dataSync())];
}

function assertSameBits(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const a = new Uint32Array(actual.buffer), e = new Uint32Array(expected.buffer);
  for (let i = 0; i < e.length; i++) {
    if (a[i] !== e[i]) assert.fail(`${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

/** Both are float64 sums of the same float32 values in different orders, rounded to float32. */
function assertSums(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  expected.forEach((e, i) => {
    assert.ok(Math.abs(actual[i]! - e) <= 1e-6 * Math.max(1, Math.abs(e)), `${what}[${i}]: ${actual[i]} vs ${e}`);
  });
}

describe('Pool2DReluBiasGrad kernel', () => {
  for (const backend of BACKENDS) {
    it(`${backend}: equals Pool2DGrad then BiasActivationGrad(relu)`, () => {
      CASES.forEach(({ title, y: shape, attrs }, k) => {
        const [y, dy] = randomPair(shape, attrs, 20 + k);
        const [dz, db] = fused(backend, y, dy, attrs);
        const [dz0, db0] = unfused(backend, y, dy, attrs);
        assertSameBits(dz, dz0, `${backend} ${title} dz`);
        assertSums(db, db0, `${backend} ${title} dbias`);
        assert.ok(dz.some((v) => v !== 0) && db.some((v) => v !== 0), `${title}: a non-trivial case`);
      });
      engine.setBackend('ref');
    });
  }

  it('wasm on 2 threads equals 1 thread bit for bit', () => {
    for (const { y: shape, attrs } of CASES.slice(0, 2)) {
      const [y, dy] = randomPair(shape, attrs, 7);
      const [dz1, db1] = fused('wasm-1t', y, dy, attrs);
      const [dz2, db2] = fused('wasm-2t', y, dy, attrs);
      assertSameBits(dz2, dz1, 'dz');
      assertSameBits(db2, db1, 'dbias');
    }
    engine.setBackend('ref');
  });

  it('masks a window whose winner is a relu zero, keeping signed zeros and NaN', () => {
    // One image, 2x4, one channel: windows [0, 0 | 0, 0] (a tie of zeros) and [1, 3 | 2, 0].
    const y = ops.tensor([0, 0, 1, 3, 0, 0, 2, 0], [1, 2, 4, 1]);
    for (const backend of BACKENDS) {
      const [dz, db] = fused(backend, y, ops.tensor([-5, 7], [1, 1, 2, 1]), plain2x2());
      assert.ok(Object.is(dz[0], -0), `${backend}: -5 * relu'(0) is -0, got ${dz[0]}`);
      assert.deepEqual(Array.from(dz), [-0, 0, 0, 7, 0, 0, 0, 0]);
      assert.deepEqual(Array.from(db), [7]);
      const [dzNaN, dbNaN] = fused(backend, y, ops.tensor([1, NaN], [1, 1, 2, 1]), plain2x2());
      assert.ok(Number.isNaN(dzNaN[3]) && Number.isNaN(dbNaN[0]), `${backend}: NaN dy reaches dz and dbias`);
    }
    engine.setBackend('ref');
  });

  it('rejects a dy that is not the pool output and int32 inputs, naming the kernel', () => {
    for (const backend of BACKENDS) {
      engine.setBackend(backend);
      const y = ops.zeros([1, 4, 4, 2]);
      assert.throws(() => engine.runKernelOutputs('Pool2DReluBiasGrad', { y, dy: ops.zeros([1, 3, 3, 2]) }, plain2x2()),
        /Pool2DReluBiasGrad\(max\): expected dy of shape \[1, 2, 2, 2\] \(the pool's output\) for y \[1, 4, 4, 2\], got \[1, 3, 3, 2\]/);
      assert.throws(() => engine.runKernelOutputs('Pool2DReluBiasGrad', { y: ops.zeros([1, 4, 4, 2], 'int32'), dy: ops.zeros([1, 2, 2, 2]) }, plain2x2()),
        /Pool2DReluBiasGrad\(max\): y and dy must be float32, got int32 and float32/);
    }
    engine.setBackend('ref');
  });
});

function trainable(t: Tensor): Tensor {
  t.requiresGrad = true;
  return t;
}

describe('Conv2D(bias, relu) -> pooling backward', () => {
  const r = new Random(5);
  const randn = (shape: number[]) => ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.normal()), shape);
  const x = randn([2, 9, 9, 3]), filter = trainable(randn([3, 3, 3, 4])), bias = trainable(randn([4]));
  const weights = randn([2, 3, 3, 4]);
  const convOut = () => ops.conv2d(x, filter, { bias, activation: 'relu' });
  const loss = (y: Tensor) => ops.sum(ops.mul(ops.maxPool2d(y, 2), weights));
  const fusedLoss = () => ops.sum(ops.mul(ops.conv2dPool(x, filter, { bias, activation: 'relu' }, { mode: 'max', poolSize: 2 }), weights));

  for (const backend of BACKENDS) {
    it(`${backend}: the fused conv2dPool op runs the fused kernel and gives the op chain's filter and bias gradients`, () => {
      engine.setBackend(backend);
      let fusedGrads: (Tensor | null)[] = [];
      const calls = kernelCalls(() => {
        fusedGrads = gradients(fusedLoss(), [filter, bias]);
      });
      assert.equal(calls.get('Pool2DReluBiasGrad'), 1);
      assert.equal(calls.get('Pool2DGrad'), undefined);
      assert.equal(calls.get('BiasActivationGrad'), undefined);
      // The op chain conv2d -> maxPool2d (what the planner leaves unfused, e.g. when the conv
      // output is a model output) runs the exact kernels one by one.
      const y = convOut();
      let exactGrads: (Tensor | null)[] = [];
      const exactCalls = kernelCalls(() => {
        exactGrads = gradients(loss(y), [filter, bias, y]);
      });
      assert.equal(exactCalls.get('Pool2DReluBiasGrad'), undefined);
      assert.equal(exactCalls.get('Pool2DGrad'), 1);
      assertSameBits(Float32Array.from(fusedGrads[0]!.dataSync()), Float32Array.from(exactGrads[0]!.dataSync()), `${backend} dfilter`);
      assertSums(Float32Array.from(fusedGrads[1]!.dataSync()), Float32Array.from(exactGrads[1]!.dataSync()), `${backend} dbias`);
      engine.setBackend('ref');
    });
  }

  it('the gradient asked for at the conv output is exact where the relu output is 0', () => {
    // A window of relu zeros still routes dy to its first cell: d(loss)/dy is nonzero there
    // (the fused kernel's dz, which the conv rule masks anyway, would be 0).
    const y = trainable(ops.tensor([0, 0, 0, 0], [1, 2, 2, 1]));
    const yRelu = ops.conv2d(y, ops.ones([1, 1, 1, 1]), { bias: ops.zeros([1]), activation: 'relu' });
    const [g] = gradients(ops.sum(ops.mul(ops.maxPool2d(yRelu, 2), 3)), [yRelu]);
    assert.deepEqual(Array.from(g!.dataSync()), [3, 0, 0, 0]);
  });

  it('a conv output read by a second op takes the exact path', () => {
    const calls = kernelCalls(() => {
      const y = convOut();
      gradients(ops.add(loss(y), ops.sum(y)), [filter, bias]);
    });
    assert.equal(calls.get('Pool2DReluBiasGrad'), undefined);
    assert.equal(calls.get('Pool2DGrad'), 1);
    assert.equal(calls.get('BiasActivationGrad'), 1);
  });
});
