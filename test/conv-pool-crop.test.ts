/**
 * The planner's convPoolCrop: conv-pool -> conv-pool(unpadded) at inference, the first op making
 * only the top-left rows and columns of its pooled map that the second reads (conv2dPool's
 * `readBy`, Conv2DPool's `crop`). The crop is the uncropped map's top-left bit for bit (ref, wasm
 * on 1 and 2 threads, the seed CNN's conv1 in the kernel and other convs by a copy), and so is
 * conv2 + pool after it on wasm; with a graph
 * it is a slice of the whole op, so gradients are exact; the seed CNN predicts the same on
 * Sequential, functional Model and nn.Sequential with and without fusion, and its conv1 really
 * pools to 12x12.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noGrad } from '../src/autograd/grad-mode.js';
import { gradients } from '../src/autograd/backward.js';
import { engine } from '../src/backend/engine.js';
import type { KernelFn } from '../src/backend/kernels.js';
import { functionalSeedCnn, seedCnnNn } from '../src/cli/bench-programs.js';
import { mnistCnn } from '../src/models/mnist-cnn.js';
import * as ops from '../src/ops/index.js';
import type { PoolSpec } from '../src/ops/conv2d-pool.js';
import { extentRead, type UnpaddedConvPool } from '../src/ops/read-extent.js';
import { planChain, withoutFusion } from '../src/plan/planner.js';
import { OPAQUE, type Stage } from '../src/plan/stage.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { assertClose } from './fusion-test-util.js';

registerWasmBackend({ name: 'wasm-crop-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-crop-2t', threads: 2, priority: 0 });
const BACKENDS = ['ref', 'wasm-crop-1t', 'wasm-crop-2t'];

const randn = (shape: number[], rng: Random) => ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);

/** A 3x3 conv, then a 2x2 pooling: the seed CNN's conv2 + pool as a reader. */
const CONV3_POOL2: UnpaddedConvPool = { kernelSize: [3, 3], strides: [1, 1], dilations: [1, 1], poolSize: [2, 2], poolStrides: [2, 2] };

/** The pooled output shapes of the Conv2DPool calls `fn` makes on the current backend. */
function pooledShapes(fn: () => void): number[][] {
  const kernels = engine.backend.kernels as unknown as Record<string, KernelFn<'Conv2DPool'>>;
  const kernel = kernels.Conv2DPool!;
  const shapes: number[][] = [];
  kernels.Conv2DPool = (inputs, attrs) => {
    const out = kernel(inputs, attrs);
    shapes.push([...out.at(-1)!.shape]);
    return out;
  };
  try {
    fn();
  } finally {
    kernels.Conv2DPool = kernel;
  }
  return shapes;
}

describe('extentRead: the top-left block an unpadded conv + pooling reads', () => {
  it('the seed CNN conv2 + pool reads 12 of 13 rows and columns; whole windows read all', () => {
    assert.deepEqual(extentRead(CONV3_POOL2, [13, 13]), [12, 12]);
    assert.deepEqual(extentRead(CONV3_POOL2, [12, 11]), [12, 10]);
    assert.deepEqual(extentRead(CONV3_POOL2, [12, 12]), [12, 12]);
    assert.deepEqual(extentRead(CONV3_POOL2, [2, 2]), [2, 2]);
  });
  it('strides, dilations and pooling strides', () => {
    // 5x5 stride 2 on 20: conv rows 0..7 (8), pool 3 stride 3 -> 2 windows, conv rows 0..5, input rows 0..14.
    assert.deepEqual(extentRead({ kernelSize: [5, 5], strides: [2, 2], dilations: [1, 1], poolSize: [3, 3], poolStrides: [3, 3] }, [20, 20]), [15, 15]);
    // 3x3 dilation 2 on 14: conv 10, pool 2 -> 5 windows, all 10 rows, input 14; on 15 the same 14.
    assert.deepEqual(extentRead({ kernelSize: [3, 3], strides: [1, 1], dilations: [2, 2], poolSize: [2, 2], poolStrides: [2, 2] }, [14, 15]), [14, 14]);
    assert.deepEqual(extentRead({ kernelSize: [3, 3], strides: [1, 1], dilations: [2, 2], poolSize: [2, 2], poolStrides: [2, 2] }, [15, 15]), [14, 14]);
  });
});

describe('conv2dPool readBy: the top-left of the whole pooled map, bit for bit', () => {
  const cases: [string, number[], number, PoolSpec['mode'], 'relu' | 'linear'][] = [
    ['the seed CNN conv1 (Winograd F(2x2) in the kernel)', [5, 28, 28, 1], 32, 'max', 'relu'],
    ['one channel, min pool, linear', [3, 16, 22, 1], 12, 'min', 'linear'],
    ['four channels (the whole map, copied)', [3, 16, 16, 4], 8, 'max', 'relu'],
  ];
  for (const backend of BACKENDS) {
    for (const [name, shape, filters, mode, activation] of cases) {
      it(`${backend}: ${name}`, () => {
        engine.setBackend(backend);
        const rng = new Random(11);
        const x = randn(shape, rng), w = randn([3, 3, shape[3]!, filters], rng), b = randn([filters], rng);
        const pool: PoolSpec = { mode, poolSize: 2 };
        const whole = noGrad(() => ops.conv2dPool(x, w, { bias: b, activation }, pool));
        const [, h, wd] = whole.shape as number[];
        const [rows, cols] = extentRead(CONV3_POOL2, [h!, wd!]);
        const cropped = noGrad(() => ops.conv2dPool(x, w, { bias: b, activation }, { ...pool, readBy: CONV3_POOL2 }));
        assert.deepEqual(cropped.shape, [shape[0], rows, cols, filters]);
        assertClose(cropped, ops.slice(whole, [0, 0, 0, 0], [-1, rows, cols, -1]), 0, 'crop');
      });
    }
  }

  it('with a graph: a slice of the whole op, so its gradients are the chain\'s', () => {
    engine.setBackend('wasm-crop-2t');
    const rng = new Random(5);
    const x = randn([2, 14, 14, 1], rng), w = randn([3, 3, 1, 8], rng), b = randn([8], rng);
    const r = randn([2, 6, 6, 8], rng);
    const run = (readBy: UnpaddedConvPool | undefined) => {
      const [xv, wv, bv] = [x, w, b].map((t) => ops.tensor(t.dataSync(), t.shape));
      for (const v of [xv, wv, bv]) v!.requiresGrad = true;
      const y = ops.conv2dPool(xv!, wv!, { bias: bv!, activation: 'relu' }, { mode: 'max', poolSize: 2, ...(readBy === undefined ? {} : { readBy }) });
      const top = ops.slice(y, [0, 0, 0, 0], [-1, 6, 6, -1]);
      return [top, ...gradients(ops.sum(ops.mul(top, r)), [xv!, wv!, bv!]) as Tensor[]];
    };
    const [yc, ...gc] = run(CONV3_POOL2);
    const [yw, ...gw] = run(undefined);
    assertClose(yc!, yw!, 0, 'forward');
    ['dx', 'dw', 'db'].forEach((name, i) => assertClose(gc[i]!, gw[i]!, 0, name));
  });
});

describe('the seed CNN conv2 + pool after a cropped conv1 + pool: the same bits', () => {
  for (const backend of BACKENDS) {
    it(backend, () => {
      engine.setBackend(backend);
      const rng = new Random(9);
      const x = randn([8, 28, 28, 1], rng), w1 = randn([3, 3, 1, 32], rng), b1 = randn([32], rng), w2 = randn([3, 3, 32, 64], rng), b2 = randn([64], rng);
      const run = (readBy: UnpaddedConvPool | undefined) => noGrad(() => {
        const h = ops.conv2dPool(x, w1, { bias: b1, activation: 'relu' }, { mode: 'max', poolSize: 2, ...(readBy === undefined ? {} : { readBy }) });
        return ops.conv2dPool(h, w2, { bias: b2, activation: 'relu' }, { mode: 'max', poolSize: 2 });
      });
      // wasm: conv2's Winograd tiles are the same on 12x12 as on 13x13. ref: its im2col GEMM blocks
      // by output pixels, so a smaller map sums in another order (rounding).
      assertClose(run(CONV3_POOL2), run(undefined), backend === 'ref' ? 1e-6 : 0, 'conv2 + pool');
    });
  }
});

describe('the convPoolCrop pattern', () => {
  const notRun = () => { throw new Error('not run'); };
  const window = { kernelSize: [3, 3], strides: [1, 1], dilations: [1, 1] } as const;
  const conv = (unpadded: boolean, activation: 'relu' | 'linear' = 'relu'): Stage => ({ kind: 'conv', activation, dataFormat: 'channelsLast', runWith: notRun, runWithPool: notRun, ...(unpadded ? { unpaddedWindow: window } : {}) });
  const pool: Stage = { kind: 'pool', pool: { mode: 'max', poolSize: 2 }, dataFormat: 'channelsLast' };
  const relu: Stage = { kind: 'relu', activation: 'relu' };
  const names = (stages: Stage[]) => planChain(stages).map((s) => (s.kind === 'node' ? s.node : `${s.fusion.pattern}[${s.nodes.join(',')}]`));

  it('covers conv-pool -> conv-pool when the second conv and pool pad nothing', () => {
    assert.deepEqual(names([conv(true), pool, conv(true, 'linear'), relu, pool, OPAQUE]), ['convPoolCrop[0,1,2,3,4]', 5]);
    assert.deepEqual(names([conv(false), pool, conv(true), pool]), ['convPoolCrop[0,1,2,3]']);
  });
  it('not when the second conv or pool pads, or no conv-pool follows', () => {
    assert.deepEqual(names([conv(true), pool, conv(false), pool]), ['conv2dPool[0,1]', 'conv2dPool[2,3]']);
    const samePool: Stage = { kind: 'pool', pool: { mode: 'max', poolSize: 2, padding: 'same' }, dataFormat: 'channelsLast' };
    assert.deepEqual(names([conv(true), pool, conv(true), samePool]), ['conv2dPool[0,1]', 'conv2dPool[2,3]']);
    assert.deepEqual(names([conv(true), pool, conv(true), OPAQUE]), ['conv2dPool[0,1]', 2, 3]);
  });
});

describe('the seed CNN predicts the same with the crop, on every API', () => {
  const x = randn([6, 28, 28, 1], new Random(3));
  const xc = ops.reshape(x, [6, 1, 28, 28]);
  const apis: [string, () => (input: Tensor) => Tensor, Tensor][] = [
    ['Sequential', () => { const m = mnistCnn({ seed: 4 }); return (t) => m.predict(t) as Tensor; }, x],
    ['functional Model', () => { const m = functionalSeedCnn(4); return (t) => m.predict(t) as Tensor; }, x],
    ['nn.Sequential (eval, no grad)', () => { const m = seedCnnNn(4); m.eval(); return (t) => noGrad(() => m.forward(t)); }, xc],
  ];
  for (const backend of BACKENDS) {
    for (const [api, make, input] of apis) {
      it(`${backend}: ${api}`, () => {
        engine.setBackend(backend);
        const predict = make();
        let fused: Tensor | null = null;
        const shapes = pooledShapes(() => { fused = predict(input); });
        assert.deepEqual(shapes.map((s) => s.slice(1, 3)), [[12, 12], [5, 5]], 'conv1 pools to the 12x12 conv2 reads');
        const plain = withoutFusion(() => predict(input));
        assertClose(fused!, plain, 1e-5, 'prediction');
      });
    }
  }

  it('training runs both conv-pools whole (no crop while a graph records)', () => {
    engine.setBackend('wasm-crop-1t');
    const model = mnistCnn({ seed: 4 });
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    const y = ops.oneHot(ops.tensor(new Int32Array([1, 2, 3, 4, 5, 6]), [6], 'int32'), 10);
    const shapes = pooledShapes(() => void model.trainOnBatch(x, y));
    assert.deepEqual(shapes.map((s) => s.slice(1, 3)), [[13, 13], [5, 5]]);
  });
});
