/**
 * Conv2DPool, a conv and the pooling that follows it in one kernel call:
 * - on every backend it equals Conv2D then Pool2D bit for bit, on the fused paths (plain 2x2
 *   max/min after a first-layer direct conv with an even output height, or after a Winograd conv)
 *   and the fallbacks (odd height, avg, other conv algorithms), on 1 and 2 threads, and its pooled
 *   map alone (`poolOnly`, what inference asks for) is the same up to a Winograd tile's rounding;
 * - a Sequential's Conv2D -> pooling pair runs it (the pool op picks the stored result up, no
 *   Pool2D call) and gives the same outputs and gradients as the layers run one by one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradients } from '../src/autograd/backward.js';
import { noGrad } from '../src/autograd/grad-mode.js';
import { engine, memory } from '../src/backend/engine.js';
import type { Pool2DAttrs, PoolMode } from '../src/backend/kernels.js';
import { Conv2D } from '../src/layers/conv2d.js';
import { Flatten } from '../src/layers/flatten.js';
import { MaxPooling2D } from '../src/layers/max-pooling2d.js';
import { Sequential } from '../src/models/sequential.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { kernelCalls } from '../src/backend/kernel-calls.js';

registerWasmBackend({ name: 'wasm-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-2t', threads: 2, priority: 0 });
const BACKENDS = ['ref', 'wasm-1t', 'wasm-2t'];

const plain = (mode: PoolMode): Pool2DAttrs => ({ mode, poolSize: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] });

const CASES: { title: string; x: number[]; w: number[]; strides?: [number, number]; pad?: [number, number, number, number]; pool: Pool2DAttrs }[] = [
  { title: "conv1's shape, max (fused)", x: [8, 28, 28, 1], w: [3, 3, 1, 32], pool: plain('max') },
  { title: "min, 'same' padding, odd width (fused)", x: [3, 10, 9, 1], w: [3, 3, 1, 8], pad: [1, 1, 1, 1], pool: plain('min') },
  { title: 'stride 2 (fused)', x: [2, 13, 13, 1], w: [3, 3, 1, 4], strides: [2, 2], pool: plain('max') },
  { title: "RGB stem, 3 channels, 'same' padding (fused, direct)", x: [3, 12, 10, 3], w: [3, 3, 3, 12], pad: [1, 1, 1, 1], pool: plain('max') },
  { title: "RGB 5x5, 'same' padding, min (fused, direct strips)", x: [2, 10, 9, 3], w: [5, 5, 3, 8], pad: [2, 2, 2, 2], pool: plain('min') },
  { title: 'odd output height (fallback)', x: [2, 9, 8, 1], w: [3, 3, 1, 8], pool: plain('max') },
  { title: 'avg (fallback)', x: [2, 8, 8, 1], w: [3, 3, 1, 8], pool: plain('avg') },
  { title: "LeNet-5's conv1, 5x5, 20 filters (fused, direct)", x: [4, 28, 28, 1], w: [5, 5, 1, 20], pool: plain('max') },
  { title: "5x5, 'same' padding, odd width, 12 filters, min (fused, direct)", x: [3, 10, 9, 1], w: [5, 5, 1, 12], pad: [2, 2, 2, 2], pool: plain('min') },
  { title: '5x5, odd output height (direct, fallback)', x: [2, 11, 8, 1], w: [5, 5, 1, 8], pool: plain('max') },
  { title: 'Winograd, 11x11 output: edge tiles (fused)', x: [2, 13, 13, 8], w: [3, 3, 8, 16], pool: plain('max') },
  { title: "Winograd, 'same' 16x16, min (fused)", x: [3, 16, 16, 4], w: [3, 3, 4, 8], pad: [1, 1, 1, 1], pool: plain('min') },
  { title: "LeNet-5's conv2, Winograd F(2x2, 5x5) (fused)", x: [3, 12, 12, 20], w: [5, 5, 20, 20], pool: plain('max') },
  { title: "Winograd 5x5, odd 7x9 output, min (fused)", x: [2, 11, 13, 8], w: [5, 5, 8, 12], pool: plain('min') },
  { title: 'implicit GEMM, stride 2 (fallback)', x: [2, 11, 11, 4], w: [3, 3, 4, 8], strides: [2, 2], pool: plain('max') },
];

function randn(shape: number[], r: Random): Tensor {
  return ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.normal()), shape);
}

function bitsOf(t: Tensor): Uint32Array {
  return new Uint32Array(Float32Array.from(t.dataSync()).buffer);
}

describe('Conv2DPool kernel', () => {
  for (const backend of BACKENDS) {
    it(`${backend}: equals Conv2D then Pool2D bit for bit (relu, relu6)`, () => {
      engine.setBackend(backend);
      for (const activation of ['relu', 'relu6'] as const) CASES.forEach(({ title: t, x: xs, w: ws, strides, pad, pool }, k) => {
        const title = `${t}, ${activation}`;
        const r = new Random(30 + k);
        const x = randn(xs, r), filter = randn(ws, r), bias = randn([ws[3]!], r);
        const attrs = { strides: strides ?? [1, 1] as [number, number], pad: pad ?? [0, 0, 0, 0] as [number, number, number, number], dilations: [1, 1] as [number, number], groups: 1, activation };
        const [y, pooled] = engine.runKernelOutputs('Conv2DPool', { x, filter, bias }, { ...attrs, pool });
        const y0 = engine.runKernel('Conv2D', { x, filter, bias }, attrs);
        const pooled0 = engine.runKernel('Pool2D', { x: y0 }, pool);
        assert.deepEqual(y!.shape, y0.shape, title);
        assert.deepEqual(pooled!.shape, pooled0.shape, title);
        assert.deepEqual(bitsOf(y!), bitsOf(y0), `${backend} ${title}: y`);
        assert.deepEqual(bitsOf(pooled!), bitsOf(pooled0), `${backend} ${title}: pooled`);
        // Inference asks for the pooled map alone (the fused kernels then never write y). The same
        // values, up to the rounding of another Winograd tile where one computes fewer outputs
        // (11x11 -> 10x10 in F(5x5, 3x3): test/wasm-winograd-mr.test.ts checks it against ref).
        const handles = memory().handles;
        const only = engine.runKernelOutputs('Conv2DPool', { x, filter, bias }, { ...attrs, pool, poolOnly: true });
        assert.equal(only.length, 1, title);
        assert.equal(memory().handles, handles + 1, `${backend} ${title}: the pooled map is the one block left`);
        assert.deepEqual(only[0]!.shape, pooled0.shape, title);
        const want = Float32Array.from(pooled0.dataSync()), got = Float32Array.from(only[0]!.dataSync());
        // (The scale of the rounding is the conv's, before relu6 clamps it.)
        const linear = Float32Array.from(engine.runKernel('Conv2D', { x, filter, bias }, { ...attrs, activation: 'linear' }).dataSync());
        const scale = linear.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
        const worst = want.reduce((m, v, i) => Math.max(m, Math.abs(v - got[i]!)), 0);
        assert.ok(worst <= 1e-5 * scale, `${backend} ${title}: pooled alone, max error ${worst} (scale ${scale})`);
      });
      engine.setBackend('ref');
    });
  }
});

describe('Sequential Conv2D -> pooling', () => {
  const model = () => {
    const m = new Sequential({ seed: 2 });
    m.add(new Conv2D(8, 3, { activation: 'relu', inputShape: [12, 12, 1] }));
    m.add(new MaxPooling2D(2));
    m.add(new Conv2D(8, 3, { activation: 'tanh' }));
    m.add(new MaxPooling2D(2));
    m.add(new Flatten());
    return m;
  };

  for (const backend of ['ref', 'wasm-2t']) {
    it(`${backend}: pools inside the conv kernel, with the layer-by-layer outputs and gradients`, () => {
      engine.setBackend(backend);
      const m = model();
      const x = randn([4, 12, 12, 1], new Random(9));
      let fused: Tensor | null = null;
      const calls = kernelCalls(() => {
        fused = m.apply(x);
      });
      // The relu conv pools in its kernel; the tanh one is followed by its activation, not the pool.
      assert.equal(calls.get('Conv2DPool'), 1);
      assert.equal(calls.get('Pool2D'), 1);
      const oneByOne = m.layers.reduce((h, layer) => layer.apply(h), x);
      assert.deepEqual(bitsOf(fused!), bitsOf(oneByOne));
      // Without a graph the op asks the kernel for the pooled map alone: the same values.
      const inferred = noGrad(() => kernelCalls(() => { fused = m.apply(x); }));
      assert.equal(inferred.get('Conv2DPool'), 1);
      assert.deepEqual(bitsOf(fused!), bitsOf(oneByOne));
      const grads = (y: () => Tensor) => gradients(ops.sum(ops.mul(y(), y())), m.trainableWeights).map((g) => bitsOf(g!));
      assert.deepEqual(grads(() => m.apply(x)), grads(() => m.layers.reduce((h, layer) => layer.apply(h), x)));
      engine.setBackend('ref');
    });
  }
});
