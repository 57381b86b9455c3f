/**
 * relu6 as a fused epilogue (FusedActivation 'relu6'): the wasm kernels that clamp at 6 in their
 * epilogue (GEMM micro-kernels, depthwise) and those that relu and then clamp (Winograd, the
 * first-layer direct kernels, pooled outputs) agree with the reference on 1 and 2 threads, bit for
 * bit between thread counts; the fused ops equal relu6 after the linear op (values and
 * gradients); the planner's reluEpilogue takes ReLU(maxValue 6), Activation('relu6'), nn.ReLU6 and
 * F.relu6, also after a folded batch norm and after depthwise convs, and every API runs them with
 * no Unary kernel.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradients } from '../src/autograd/backward.js';
import { engine } from '../src/backend/engine.js';
import { kernelCalls } from '../src/backend/kernel-calls.js';
import type { Conv2DAttrs } from '../src/backend/kernels.js';
import { Activation } from '../src/layers/activation.js';
import { ReLU } from '../src/layers/activation-layers.js';
import { BatchNormalization } from '../src/layers/batch-normalization.js';
import { Conv2D } from '../src/layers/conv2d.js';
import { Dense } from '../src/layers/dense.js';
import { DepthwiseConv2D } from '../src/layers/depthwise-conv2d.js';
import { Flatten } from '../src/layers/flatten.js';
import type { Layer } from '../src/layers/layer.js';
import { MaxPooling2D } from '../src/layers/max-pooling2d.js';
import { Sequential } from '../src/models/sequential.js';
import * as nn from '../src/nn/index.js';
import * as ops from '../src/ops/index.js';
import { planChain, withoutFusion } from '../src/plan/planner.js';
import { OPAQUE, RELU, RELU6, type Stage } from '../src/plan/stage.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { assertClose, assertGradientsClose } from './fusion-test-util.js';
import { checkKernelAgainstRef, runKernelOn, withDispatches } from './kernel-dispatch-test-util.js';

registerWasmBackend({ name: 'wasm-r6-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-r6-2t', threads: 2, priority: 0 });
const WASM = ['wasm-r6-1t', 'wasm-r6-2t'] as const;
const BACKENDS = ['ref', 'wasm-r6-2t'];

const randn = (shape: number[], rng: Random, scale = 1) =>
  ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => scale * rng.normal()), shape);

/** Asserts that some values were clamped at 6 and some pass through, so the test sees the clamp. */
function assertClampSeen(values: ArrayLike<number>, what: string): void {
  let six = 0, inside = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === 6) six++;
    else if (values[i]! > 0 && values[i]! < 6) inside++;
  }
  assert.ok(six > 0 && inside > 0, `${what}: ${six} values at 6, ${inside} inside (0, 6)`);
}

const conv = (strides: number, pad: [number, number, number, number], groups = 1, dilations = 1): Conv2DAttrs =>
  ({ strides: [strides, strides], pad, dilations: [dilations, dilations], groups });

/**
 * [title, x shape, filter shape, attrs, the wasm export that must run, input scale]: one per
 * Conv2D algorithm. Scales put pre-activations past 6 with float32 errors (Winograd's are larger)
 * inside checkKernelAgainstRef's 1e-5 of the clamped output's scale.
 */
const CONV_CASES: [string, number[], number[], Conv2DAttrs, string, number][] = [
  ['pointwise (GEMM epilogue)', [4, 6, 6, 16], [1, 1, 16, 24], conv(1, [0, 0, 0, 0]), 'sgemmUPacked', 2],
  ['3x3 stride 2 (implicit GEMM epilogue)', [2, 9, 9, 6], [3, 3, 6, 16], conv(2, [1, 1, 1, 1]), 'convImplicit', 1],
  ['3x3 stride 2 phase Winograd (relu, then the clamp)', [2, 9, 9, 8], [3, 3, 8, 16], conv(2, [1, 1, 1, 1]), 'wino42Forward', 0.5],
  ['dilated (im2col + GEMM epilogue)', [2, 9, 9, 4], [3, 3, 4, 8], conv(1, [0, 0, 0, 0], 1, 2), 'sgemmUPacked', 1],
  ['depthwise (its own epilogue)', [3, 8, 8, 20], [3, 3, 1, 20], conv(1, [1, 1, 1, 1], 20), 'depthwiseForward', 2],
  ['3x3 Winograd (relu, then the clamp)', [2, 8, 8, 8], [3, 3, 8, 16], conv(1, [1, 1, 1, 1]), 'wino4Forward', 0.5],
  ['first layer 3x3 (relu, then the clamp)', [2, 11, 10, 1], [3, 3, 1, 8], conv(1, [0, 0, 0, 0]), 'conv1Forward3x3', 2],
  ['first layer 3x3, even output: F(2x2, 3x3) (relu, then the clamp)', [2, 10, 10, 1], [3, 3, 1, 12], conv(1, [0, 0, 0, 0]), 'conv1Wino2x2', 2],
];

describe('relu6 epilogue: wasm kernels against the reference', () => {
  const rng = new Random(61);
  for (const [title, xs, ws, attrs, kernel, scale] of CONV_CASES) {
    it(`Conv2D ${title}, with and without bias`, () => {
      for (const withBias of [true, false]) {
        const inputs = { x: randn(xs, rng, scale), filter: randn(ws, rng), bias: withBias ? randn([ws[3]!], rng) : undefined };
        const a = { ...attrs, activation: 'relu6' as const };
        checkKernelAgainstRef(`${title} bias ${withBias}`, WASM, 'Conv2D', inputs, a, kernel);
        assertClampSeen(runKernelOn('ref', 'Conv2D', inputs, a).values, title);
      }
    });
  }

  it('MatMul (dense epilogue), plain and transposed weights', () => {
    for (const transposeB of [false, true]) {
      const inputs = { a: randn([37, 19], rng, 2), b: randn(transposeB ? [13, 19] : [19, 13], rng), bias: randn([13], rng) };
      const a = { transposeA: false, transposeB, activation: 'relu6' as const };
      checkKernelAgainstRef(`MatMul transposeB ${transposeB}`, WASM, 'MatMul', inputs, a, 'sgemmUPacked');
      assertClampSeen(runKernelOn('ref', 'MatMul', inputs, a).values, 'MatMul');
    }
  });

  it('Conv2DPool with the pool in the Winograd kernel: both outputs clamped', () => {
    // Input scale 0.5: pre-activations past 6 (std ~4), Winograd's float32 errors within 1e-5 of the clamped scale.
    const inputs = { x: randn([2, 8, 8, 8], rng, 0.5), filter: randn([3, 3, 8, 8], rng), bias: randn([8], rng) };
    const attrs = { ...conv(1, [1, 1, 1, 1]), activation: 'relu6' as const, pool: { mode: 'max' as const, poolSize: [2, 2] as [number, number], strides: [2, 2] as [number, number], pad: [0, 0, 0, 0] as [number, number, number, number] } };
    const run = (backend: string) => withDispatches(backend, () => engine.runKernelOutputs('Conv2DPool', inputs, attrs).map((t) => Float32Array.from(t.dataSync())));
    const ref = run('ref').result;
    const [one, two] = WASM.map(run);
    assert.ok(one!.calls.includes('wino4Forward'), one!.calls.join(', '));
    ref.forEach((want, k) => {
      assert.deepEqual(two!.result[k], one!.result[k], `output ${k}: 2 threads differ from 1`);
      want.forEach((v, i) => assert.ok(Math.abs(one!.result[k]![i]! - v) <= 6e-5, `output ${k}[${i}]: ${one!.result[k]![i]} vs ${v}`));
      assertClampSeen(want, `Conv2DPool output ${k}`);
    });
  });
});

describe('relu6 epilogue: the fused ops equal relu6 after the linear op', () => {
  for (const backend of BACKENDS) {
    for (const [title, xs, ws, attrs, , scale] of CONV_CASES) {
      it(`${backend}: conv2d ${title}`, () => {
        engine.setBackend(backend);
        const rng = new Random(62);
        const x = randn(xs, rng, scale), w = randn(ws, rng), b = randn([ws[3]!], rng);
        const options = { strides: attrs.strides, padding: attrs.pad, dilations: attrs.dilations, groups: attrs.groups, bias: b };
        const r = randn(ops.conv2d(x, w, options).shape as number[], rng);
        const grads = (relu6: (x: Tensor, w: Tensor, b: Tensor) => Tensor) => {
          const vars = [x, w, b].map((t) => ops.tensor(t.dataSync(), t.shape));
          for (const v of vars) v.requiresGrad = true;
          const y = relu6(vars[0]!, vars[1]!, vars[2]!);
          return [y, ...gradients(ops.sum(ops.mul(y, r)), vars) as Tensor[]];
        };
        const fused = grads((xx, ww, bb) => ops.conv2d(xx, ww, { ...options, bias: bb, activation: 'relu6' }));
        const chain = grads((xx, ww, bb) => ops.relu6(ops.conv2d(xx, ww, { ...options, bias: bb })));
        assertClampSeen(chain[0]!.dataSync(), title);
        assertClose(fused[0]!, chain[0]!, 0, 'forward');
        ['dx', 'dw', 'db'].forEach((name, i) => assertClose(fused[i + 1]!, chain[i + 1]!, 1e-5, name));
        engine.setBackend('ref');
      });
    }

    it(`${backend}: dense`, () => {
      engine.setBackend(backend);
      const rng = new Random(63);
      const x = randn([9, 12], rng, 2), w = randn([12, 7], rng), b = randn([7], rng), r = randn([9, 7], rng);
      const grads = (f: (x: Tensor, w: Tensor, b: Tensor) => Tensor) => {
        const vars = [x, w, b].map((t) => ops.tensor(t.dataSync(), t.shape));
        for (const v of vars) v.requiresGrad = true;
        const y = f(vars[0]!, vars[1]!, vars[2]!);
        return [y, ...gradients(ops.sum(ops.mul(y, r)), vars) as Tensor[]];
      };
      const fused = grads((xx, ww, bb) => ops.dense(xx, ww, bb, 'relu6'));
      const chain = grads((xx, ww, bb) => ops.relu6(ops.dense(xx, ww, bb)));
      assertClampSeen(chain[0]!.dataSync(), 'dense');
      fused.forEach((t, i) => assertClose(t, chain[i]!, i === 0 ? 0 : 1e-5, `dense ${i}`));
      engine.setBackend('ref');
    });
  }
});

describe('relu6 epilogue: the plan', () => {
  const notRun = () => { throw new Error('not run'); };
  const convStage = (activation: 'linear' | 'relu' | 'relu6'): Stage => ({ kind: 'conv', activation, dataFormat: 'channelsLast', runWith: notRun, runWithPool: notRun });
  const pool: Stage = { kind: 'pool', pool: { mode: 'max', poolSize: 2 }, dataFormat: 'channelsLast' };
  const bnTraining: Stage = { kind: 'batchNorm', runWithRelu: notRun };
  const shape = (steps: ReturnType<typeof planChain>) => steps.map((s) => (s.kind === 'node' ? s.node : `${s.fusion.pattern}[${s.nodes.join(',')}]`));

  it('moves relu6 after a linear conv or dense into the epilogue, and after a training batch norm into its kernels; pools take only relu', () => {
    assert.deepEqual(shape(planChain([convStage('linear'), RELU6, OPAQUE])), ['reluEpilogue[0,1]', 2]);
    assert.deepEqual(shape(planChain([{ kind: 'dense', activation: 'linear', runWith: notRun }, RELU6])), ['reluEpilogue[0,1]']);
    assert.deepEqual(shape(planChain([convStage('linear'), RELU6, pool])), ['reluEpilogue[0,1]', 2]);
    assert.deepEqual(shape(planChain([convStage('relu6'), pool])), [0, 1]);
    assert.deepEqual(shape(planChain([convStage('relu6'), RELU6])), [0, 1]);
    assert.deepEqual(shape(planChain([bnTraining, RELU6])), ['batchNormRelu[0,1]']);
    assert.deepEqual(shape(planChain([bnTraining, RELU])), ['batchNormRelu[0,1]']);
  });
});

describe('relu6 epilogue: every API runs it in the kernel', () => {
  const rng = new Random(64);
  const x = randn([3, 8, 8, 4], rng, 3);
  const noUnary = (counts: Map<string, number>) => assert.equal(counts.get('Unary'), undefined, JSON.stringify([...counts]));

  for (const backend of BACKENDS) {
    it(`Sequential: Conv2D / DepthwiseConv2D / Dense -> ReLU(maxValue 6) or Activation('relu6'), and Conv2D(relu6) (${backend})`, () => {
      engine.setBackend(backend);
      const model = new Sequential({ layers: [
        new Conv2D(8, 1, { inputShape: [8, 8, 4], seed: 1 }), new ReLU({ maxValue: 6 }),
        new DepthwiseConv2D(3, { padding: 'same', seed: 2 }), new Activation('relu6'),
        new Conv2D(8, 3, { padding: 'same', activation: 'relu6', seed: 3 }), new MaxPooling2D({ poolSize: 2 }),
        new Flatten(), new Dense(6, { seed: 4 }), new ReLU({ maxValue: 6 }), new Dense(3, { seed: 5 }),
      ] });
      noUnary(kernelCalls(() => model.predict(x)));
      assertClose(model.predict(x), withoutFusion(() => model.predict(x)), 0, 'prediction');
      // Training: the same gradients as the unfused chain.
      const params = model.trainableWeights as Tensor[];
      const grads = () => gradients(ops.sum(ops.square(model.apply(x, { training: true }) as Tensor)), params) as Tensor[];
      const fused = grads();
      withoutFusion(grads).forEach((g, i) => assertClose(fused[i]!, g, 1e-5, `gradient ${i}`));
      engine.setBackend('ref');
    });

    it(`Sequential inference: Conv2D -> BN -> ReLU(6) and DepthwiseConv2D -> BN -> ReLU(6) fold, relu6 in the epilogue (${backend})`, () => {
      engine.setBackend(backend);
      const layers: Layer[] = [
        new Conv2D(8, 1, { inputShape: [8, 8, 4], seed: 1 }), new BatchNormalization(), new ReLU({ maxValue: 6 }),
        new DepthwiseConv2D(3, { padding: 'same', seed: 2 }), new BatchNormalization(), new ReLU({ maxValue: 6 }),
        new Flatten(), new Dense(3, { seed: 3 }),
      ];
      const model = new Sequential({ layers });
      for (const i of [1, 4]) {
        const bn = layers[i] as BatchNormalization;
        bn.setWeights([randn([8], rng, 0.5), randn([8], rng, 0.5), randn([8], rng, 0.5), ops.abs(randn([8], rng, 0.5))].map((t, k) => (k === 0 || k === 3 ? ops.add(ops.abs(t), 1) : t)));
      }
      model.predict(x);
      const counts = kernelCalls(() => model.predict(x));
      noUnary(counts);
      assert.equal(counts.get('Binary'), undefined, JSON.stringify([...counts]));
      assertClose(model.predict(x), withoutFusion(() => model.predict(x)), 2e-5, 'prediction');
      engine.setBackend('ref');
    });

    it(`training: Conv2D -> BN -> ReLU(6) and nn Conv2d -> BatchNorm2d -> ReLU6 run relu6 in the BN kernels, with the unfused gradients (${backend})`, () => {
      engine.setBackend(backend);
      const model = new Sequential({ layers: [
        new Conv2D(8, 1, { inputShape: [8, 8, 4], seed: 1 }), new BatchNormalization({ gammaInitializer: 'ones' }), new ReLU({ maxValue: 6 }), new Flatten(), new Dense(3, { seed: 2 }),
      ] });
      // gamma 4: some normalized outputs pass 6.
      const bn = model.layers[1]!;
      bn.setWeights([ops.fill([8], 4), ...bn.getWeights().slice(1)]);
      const counts = kernelCalls(() => model.apply(x, { training: true }));
      assert.equal(counts.get('BatchNormTraining'), 1, JSON.stringify([...counts]));
      noUnary(counts);
      const params = model.trainableWeights as Tensor[];
      const grads = () => gradients(ops.sum(ops.square(model.apply(x, { training: true }) as Tensor)), params);
      // The conv's bias has a zero gradient fused (convBnTrain: the norm removes it).
      assert.equal(assertGradientsClose(grads(), withoutFusion(grads), 1e-5, 'gradient'), 1);

      const g = { rng: new Random(66) };
      const net = new nn.Sequential(new nn.Conv2d(4, 6, 1, g), new nn.BatchNorm2d(6), new nn.ReLU6());
      (net.at(1) as nn.BatchNorm2d).weight!.assign(ops.fill([6], 4));
      const xc = ops.transpose(x, [0, 3, 1, 2]);
      noUnary(kernelCalls(() => net.forward(xc).dataSync()));
      // Not bit for bit: fused, the conv's bias is not added before the norm removes it (convBnTrain).
      assertClose(net.forward(xc), withoutFusion(() => net.forward(xc)), 1e-6, 'nn training output');
      assertClampSeen(net.forward(xc).dataSync(), 'nn BN relu6');
      engine.setBackend('ref');
    });

    it(`nn: Sequential(Conv2d, ReLU6) and F.relu6 on a Conv2d's output (${backend})`, () => {
      engine.setBackend(backend);
      const g = { rng: new Random(65) };
      const net = new nn.Sequential(new nn.Conv2d(4, 6, 3, { padding: 1, ...g }), new nn.ReLU6(), new nn.Conv2d(6, 6, 3, { padding: 1, groups: 6, ...g }), new nn.ReLU6());
      const xc = ops.transpose(x, [0, 3, 1, 2]);
      noUnary(kernelCalls(() => net.forward(xc).dataSync()));
      assertClose(net.forward(xc), withoutFusion(() => net.forward(xc)), 0, 'nn.Sequential');
      const conv = new nn.Conv2d(4, 6, 1, g);
      const f = () => nn.F.relu6(conv.forward(xc));
      noUnary(kernelCalls(() => f().dataSync()));
      assertClose(f(), withoutFusion(f), 0, 'F.relu6');
      engine.setBackend('ref');
    });
  }
});
