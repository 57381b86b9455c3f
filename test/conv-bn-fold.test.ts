/**
 * conv -> batch norm in inference folds into the conv's weights (src/plan/conv-bn-fold.ts): the
 * plan fires on stages and goes on with the relu/pool patterns; the fused run equals the unfused
 * chain (values, and gradients while recording) in Sequential, functional Model and
 * nn.Sequential; training mode never folds; the folded weights follow every change of the six
 * variables (setWeights, a training step, loadStateDict), so no stale fold runs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradients } from '../src/autograd/backward.js';
import { noGrad } from '../src/autograd/grad-mode.js';
import { engine } from '../src/backend/engine.js';
import { kernelCalls } from '../src/backend/kernel-calls.js';
import { ReLU } from '../src/layers/activation-layers.js';
import { BatchNormalization } from '../src/layers/batch-normalization.js';
import { Conv2D } from '../src/layers/conv2d.js';
import { DepthwiseConv2D } from '../src/layers/depthwise-conv2d.js';
import { Flatten } from '../src/layers/flatten.js';
import { Dense } from '../src/layers/dense.js';
import { input } from '../src/layers/input.js';
import type { Layer } from '../src/layers/layer.js';
import { MaxPooling2D } from '../src/layers/max-pooling2d.js';
import { Add } from '../src/layers/merge.js';
import { Model } from '../src/models/functional.js';
import { Sequential } from '../src/models/sequential.js';
import * as nn from '../src/nn/index.js';
import * as ops from '../src/ops/index.js';
import { planChain, withoutFusion } from '../src/plan/planner.js';
import { type ConvStage, OPAQUE, type Stage } from '../src/plan/stage.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { assertClose } from './fusion-test-util.js';

registerWasmBackend({ name: 'wasm-fold-2t', threads: 2, priority: 0 });
const BACKENDS = ['ref', 'wasm-fold-2t'];
/** Folding changes the order of float32 roundings only: relative to the output's scale. */
const TOL = 2e-5;

const randn = (shape: number[], rng: Random, scale = 1, offset = 0) =>
  ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => offset + scale * rng.normal()), shape);

/** Moving statistics and affine far from the identity, so a missing or stale fold shows. */
function randomizeBatchNorm(bn: BatchNormalization, rng: Random): void {
  const c = bn.gamma!.shape[0]!;
  bn.setWeights([randn([c], rng, 0.5, 1), randn([c], rng, 0.5), randn([c], rng, 0.5), ops.abs(randn([c], rng, 0.5, 1))]);
}

const tracedConv = (activation: 'linear' | 'relu', withWeights = true): ConvStage => {
  const weights = { kernel: ops.zeros([1, 1, 1, 1]), bias: null, outAxes: [3] };
  const stage: ConvStage = {
    kind: 'conv', activation, dataFormat: 'channelsLast',
    runWith: (x) => x, runWithPool: (x) => x,
    ...(withWeights ? { weights, withWeights: () => stage } : {}),
  };
  return stage;
};
const bnStage: Stage = { kind: 'batchNorm', runWithRelu: (x) => x, dataFormat: 'channelsLast', fold: (w) => w };
const relu: Stage = { kind: 'relu', activation: 'relu' };
const pool: Stage = { kind: 'pool', pool: { mode: 'max', poolSize: 2 }, dataFormat: 'channelsLast' };

function shape(steps: ReturnType<typeof planChain>): (number | string)[] {
  return steps.map((s) => (s.kind === 'node' ? s.node : `${s.fusion.pattern}[${s.nodes.join(',')}]`));
}

describe('convBnFold: the plan', () => {
  it('folds conv -> BN and goes on with relu and pooling', () => {
    assert.deepEqual(shape(planChain([tracedConv('linear'), bnStage, OPAQUE])), ['convBnFold[0,1]', 2]);
    assert.deepEqual(shape(planChain([tracedConv('linear'), bnStage, relu, OPAQUE])), ['convBnFold+reluEpilogue[0,1,2]', 3]);
    assert.deepEqual(shape(planChain([tracedConv('linear'), bnStage, relu, pool])), ['convBnFold+conv2dPool[0,1,2,3]']);
  });

  it('does not fold after a relu, across channel axes, or a conv that cannot take other weights', () => {
    assert.deepEqual(shape(planChain([tracedConv('relu'), bnStage])), [0, 1]);
    assert.deepEqual(shape(planChain([tracedConv('linear'), { ...bnStage, dataFormat: 'channelsFirst' } as Stage])), [0, 1]);
    assert.deepEqual(shape(planChain([tracedConv('linear', false), bnStage, relu])), [0, 1, 2]);
  });

  it('a BatchNormalization folds only in inference (or frozen)', () => {
    const foldable = (stage: Stage): boolean => stage.kind === 'batchNorm' && stage.fold !== undefined;
    const bn = new BatchNormalization();
    bn.build([null, 4, 4, 3]);
    assert.ok(foldable(bn.planStage(false)));
    assert.ok(!foldable(bn.planStage(true)));
    assert.ok(!foldable(bn.planStage()), 'a caller that does not say the mode gets no fold');
    bn.trainable = false;
    assert.ok(foldable(bn.planStage(true)));
    const m = new nn.BatchNorm2d(3);
    assert.ok(!foldable(m.planStage()));
    assert.ok(foldable(m.eval().planStage()));
  });
});

function convBnModel(rng: Random, first: Layer): Sequential {
  const bn = new BatchNormalization({ epsilon: 1e-3 });
  const model = new Sequential({ layers: [first, bn, new ReLU(), new MaxPooling2D({ poolSize: 2 }), new Flatten(), new Dense(3, { seed: 4 })] });
  randomizeBatchNorm(bn, rng);
  return model;
}

describe('convBnFold: Keras models', () => {
  const x = randn([4, 10, 10, 3], new Random(3));

  for (const backend of BACKENDS) {
    it(`Sequential Conv2D -> BN -> ReLU -> MaxPool predicts as the unfused chain, in one Conv2DPool (${backend})`, () => {
      engine.setBackend(backend);
      const model = convBnModel(new Random(5), new Conv2D(8, 3, { padding: 'same', inputShape: [10, 10, 3], seed: 1 }));
      const unfused = withoutFusion(() => model.predict(x));
      assertClose(model.predict(x), unfused, TOL, 'prediction');
      const counts = kernelCalls(() => model.predict(x));
      assert.equal(counts.get('Conv2DPool'), 1, JSON.stringify([...counts]));
      // The fold is cached: the second prediction runs no elementwise kernel at all.
      assert.equal(counts.get('Unary'), undefined, JSON.stringify([...counts]));
      assert.equal(counts.get('Binary'), undefined, JSON.stringify([...counts]));
    });

    it(`DepthwiseConv2D -> BN -> ReLU folds too (${backend})`, () => {
      engine.setBackend(backend);
      const model = convBnModel(new Random(6), new DepthwiseConv2D(3, { depthMultiplier: 2, padding: 'same', inputShape: [10, 10, 3], seed: 1 }));
      assertClose(model.predict(x), withoutFusion(() => model.predict(x)), TOL, 'prediction');
      assert.equal(kernelCalls(() => model.predict(x)).get('Binary'), undefined);
    });
  }

  it('training mode never folds: fit runs the batch statistics, and the result equals the unfused step', () => {
    engine.setBackend('ref');
    const model = convBnModel(new Random(7), new Conv2D(4, 3, { inputShape: [10, 10, 3], seed: 1 }));
    const training = model.forward([x], true)[0]!;
    const counts = kernelCalls(() => model.forward([x], true));
    assert.equal(counts.get('BatchNormTraining'), 1, JSON.stringify([...counts]));
    assertClose(training, withoutFusion(() => model.forward([x], true)[0]!), 1e-6, 'training output');
  });

  it('no stale fold: setWeights and a training step change the prediction as they change the unfused one', async () => {
    engine.setBackend('ref');
    const rng = new Random(8);
    const model = convBnModel(rng, new Conv2D(4, 3, { inputShape: [10, 10, 3], seed: 1 }));
    model.predict(x);
    randomizeBatchNorm(model.layers[1] as BatchNormalization, rng);
    assertClose(model.predict(x), withoutFusion(() => model.predict(x)), TOL, 'after BN setWeights');
    const conv = model.layers[0]!;
    conv.setWeights([randn(conv.weights[0]!.shape as number[], rng), randn([4], rng)]);
    assertClose(model.predict(x), withoutFusion(() => model.predict(x)), TOL, 'after conv setWeights');
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    await model.fit(x, ops.tensor([0, 1, 2, 0], [4], 'int32'), { epochs: 1, batchSize: 4, verbose: 0 });
    assertClose(model.predict(x), withoutFusion(() => model.predict(x)), TOL, 'after a training step');
  });

  it('with gradients recorded in inference mode, the gradients are the unfused chain\'s', () => {
    engine.setBackend('ref');
    const model = convBnModel(new Random(9), new Conv2D(4, 3, { inputShape: [10, 10, 3], seed: 1 }));
    const xs = ops.mul(x, 1);
    xs.requiresGrad = true;
    const params = [...model.layers[0]!.weights, ...model.layers[1]!.trainableWeights] as Tensor[];
    const grads = (run: () => Tensor) => gradients(ops.sum(ops.square(run())), [xs, ...params]) as Tensor[];
    const fused = grads(() => model.apply(xs, { training: false }));
    const unfused = withoutFusion(() => grads(() => model.apply(xs, { training: false })));
    fused.forEach((g, i) => assertClose(g, unfused[i]!, 1e-4, `gradient ${i}`));
    assert.equal(fused.length, 5);
  });

  it('functional Model: conv -> BN -> ReLU -> Add folds in the branch, as the unfused graph', () => {
    engine.setBackend('wasm-fold-2t');
    const rng = new Random(10);
    const inp = input({ shape: [10, 10, 3] });
    const bn = new BatchNormalization();
    const h = new ReLU().apply(bn.apply(new Conv2D(3, 3, { padding: 'same', seed: 2 }).apply(inp)));
    const model = new Model({ inputs: inp, outputs: new Add().apply([h as never, inp]) as never });
    randomizeBatchNorm(bn, rng);
    const predict = () => model.predict(x) as Tensor;
    assertClose(predict(), withoutFusion(predict), TOL, 'prediction');
    const counts = kernelCalls(predict);
    assert.equal(counts.get('Unary'), undefined, JSON.stringify([...counts]));
    assert.equal(counts.get('Binary'), 1, 'only the Add');
  });
});

describe('convBnFold: nn.Sequential in eval mode', () => {
  for (const backend of BACKENDS) {
    it(`Conv2d -> BatchNorm2d -> ReLU (and a depthwise Conv2d) fold in eval(), not in train() (${backend})`, () => {
      engine.setBackend(backend);
      const rng = new Random(11);
      const g = { rng };
      const net = new nn.Sequential(new nn.Conv2d(3, 6, 3, { padding: 1, ...g }), new nn.BatchNorm2d(6), new nn.ReLU(),
        new nn.Conv2d(6, 6, 3, { padding: 1, groups: 6, ...g }), new nn.BatchNorm2d(6), new nn.Flatten(), new nn.Linear(600, 3, g));
      for (const i of [1, 4]) {
        const bn = net.at(i) as nn.BatchNorm2d;
        bn.runningMean!.assign(randn([6], rng, 0.5));
        bn.runningVar!.assign(ops.abs(randn([6], rng, 0.5, 1)));
        bn.weight!.assign(randn([6], rng, 0.5, 1));
        bn.bias!.assign(randn([6], rng, 0.5));
      }
      const xc = randn([2, 3, 10, 10], rng);
      net.eval();
      const unfused = withoutFusion(() => net.forward(xc));
      assertClose(net.forward(xc), unfused, TOL, 'eval output');
      // Under noGrad (torch.no_grad()) the fold is cached: no elementwise kernel on the second call.
      noGrad(() => net.forward(xc));
      const counts = kernelCalls(() => noGrad(() => net.forward(xc)));
      assert.equal(counts.get('Unary'), undefined, JSON.stringify([...counts]));
      assert.equal(counts.get('Binary'), undefined, JSON.stringify([...counts]));
      (net.at(1) as nn.BatchNorm2d).runningMean!.assign(randn([6], rng, 0.5));
      assertClose(net.forward(xc), withoutFusion(() => net.forward(xc)), TOL, 'after a running-statistics change');
      net.train();
      assert.ok((kernelCalls(() => net.forward(xc)).get('BatchNormTraining') ?? 0) > 0, 'train mode uses batch statistics');
    });
  }
});
