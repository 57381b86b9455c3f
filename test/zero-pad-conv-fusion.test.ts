/**
 * The planner's zeroPadConv pattern: ZeroPadding2D -> Conv2D / DepthwiseConv2D [-> ReLU] runs as one
 * conv whose own padding grows by the zero padding. It equals the unfused chain (values, and the
 * gradients of the input, kernel and bias) on the reference and wasm backends; Sequential and the
 * functional Model plan it; a padded output that anything else reads, or a model output, keeps the
 * Pad. (nn has no zero-padding module: nn.Conv2d takes its padding itself.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradients } from '../src/autograd/backward.js';
import { engine } from '../src/backend/engine.js';
import { kernelCalls } from '../src/backend/kernel-calls.js';
import { ReLU } from '../src/layers/activation-layers.js';
import { Conv2D } from '../src/layers/conv2d.js';
import { DepthwiseConv2D } from '../src/layers/depthwise-conv2d.js';
import { input } from '../src/layers/input.js';
import type { Layer } from '../src/layers/layer.js';
import { Add } from '../src/layers/merge.js';
import { ZeroPadding2D } from '../src/layers/zero-padding2d.js';
import { Model } from '../src/models/functional.js';
import { Sequential } from '../src/models/sequential.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { planChain, withoutFusion } from '../src/plan/planner.js';
import { type ConvStage, OPAQUE, type Stage } from '../src/plan/stage.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { assertClose } from './fusion-test-util.js';
import { mobilenetMini } from '../src/zoo/mobilenet-mini.js';

registerWasmBackend({ name: 'wasm-zero-pad-2t', threads: 2, priority: 0 });
const BACKENDS = ['ref', 'wasm-zero-pad-2t'];

const randn = (shape: number[], rng: Random) => ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);

describe('the zeroPadConv pattern', () => {
  const notRun = () => { throw new Error('not run'); };
  const conv = (activation: 'linear' | 'relu', paddable = true): ConvStage => ({
    kind: 'conv', activation, dataFormat: 'channelsLast', runWith: notRun, runWithPool: notRun, ...(paddable ? { withPadding: () => conv(activation, false) } : {}),
  });
  const zeroPad = (dataFormat: 'channelsLast' | 'channelsFirst' = 'channelsLast'): Stage => ({ kind: 'zeroPad', padding: [[1, 1], [1, 1]], dataFormat });
  const shape = (steps: ReturnType<typeof planChain>) => steps.map((s) => (s.kind === 'node' ? s.node : `${s.fusion.pattern}[${s.nodes.join(',')}]`));

  it('folds zero padding into the next conv, and a relu after a linear one', () => {
    assert.deepEqual(shape(planChain([zeroPad(), conv('linear'), OPAQUE])), ['zeroPadConv[0,1]', 2]);
    assert.deepEqual(shape(planChain([zeroPad(), conv('linear'), { kind: 'relu', activation: 'relu' }, OPAQUE])), ['zeroPadConv+reluEpilogue[0,1,2]', 3]);
    assert.deepEqual(shape(planChain([zeroPad(), conv('relu'), OPAQUE])), ['zeroPadConv[0,1]', 2]);
  });

  it('declines a conv that cannot take padding, another data format, or no conv', () => {
    assert.deepEqual(shape(planChain([zeroPad(), conv('linear', false), OPAQUE])), [0, 1, 2]);
    assert.deepEqual(shape(planChain([zeroPad('channelsFirst'), conv('linear')])), [0, 1]);
    assert.deepEqual(shape(planChain([zeroPad(), OPAQUE, conv('linear')])), [0, 1, 2]);
  });
});

/** Output and gradients (input, then every weight) of `model` on x against a fixed random cotangent. */
function valueAndGrads(model: Sequential | Model, x: Tensor, r: Tensor | null, fused: boolean): Tensor[] {
  const xv = ops.tensor(x.dataSync(), x.shape);
  xv.requiresGrad = true;
  const run = () => model.forward([xv], true)[0]!;
  const y = fused ? run() : withoutFusion(run);
  const loss = ops.sum(ops.mul(y, r ?? ops.onesLike(y)));
  return [y, ...(gradients(loss, [xv, ...model.trainableWeights]) as Tensor[])];
}

describe('Keras models run ZeroPadding2D -> conv as one conv', () => {
  const cases: [string, () => Layer[], number[]][] = [
    ['ZeroPadding2D(1) -> DepthwiseConv2D(3, stride 2, valid) -> ReLU', () => [new ZeroPadding2D(1), new DepthwiseConv2D(3, { strides: 2, seed: 3 }), new ReLU()], [3, 10, 10, 8]],
    ['ZeroPadding2D([[1, 2], [0, 1]]) -> Conv2D(5, 3, stride 2, same)', () => [new ZeroPadding2D([[1, 2], [0, 1]]), new Conv2D(5, 3, { strides: 2, padding: 'same', seed: 4 })], [2, 9, 11, 3]],
    ['ZeroPadding2D(2, channelsFirst) -> Conv2D(4, 3, dilation 2, channelsFirst, relu)', () => [
      new ZeroPadding2D(2, { dataFormat: 'channelsFirst' }), new Conv2D(4, 3, { dilationRate: 2, dataFormat: 'channelsFirst', activation: 'relu', seed: 5 }),
    ], [2, 3, 7, 6]],
  ];
  for (const backend of BACKENDS) {
    for (const [title, layers, shape] of cases) {
      it(`${backend}: ${title}: no Pad or Slice, the unfused chain's values and gradients`, () => {
        engine.setBackend(backend);
        const rng = new Random(11);
        const model = new Sequential({ layers: layers() });
        model.build([null, ...shape.slice(1)]);
        const x = randn(shape, rng);
        const r = randn([...model.forward([x], false)[0]!.shape], rng);
        let fused: Tensor[] = [];
        const counts = kernelCalls(() => { fused = valueAndGrads(model, x, r, true); });
        assert.equal(counts.get('Pad'), undefined, JSON.stringify([...counts]));
        assert.equal(counts.get('Slice'), undefined, JSON.stringify([...counts]));
        const chain = valueAndGrads(model, x, r, false);
        assertClose(fused[0]!, chain[0]!, 1e-6, 'output');
        ['dx', ...model.trainableWeights.map((w) => w.name)].forEach((name, i) => assertClose(fused[i + 1]!, chain[i + 1]!, 1e-5, name));
        engine.setBackend('ref');
      });
    }
  }

  it('functional Model: folds a single-consumer padding, keeps one that is read twice or is an output', () => {
    engine.setBackend('ref');
    const x = randn([2, 8, 8, 4], new Random(2));
    const inp = input({ shape: [8, 8, 4] });
    const padded = new ZeroPadding2D(1).apply(inp);
    const chain = new Model({ inputs: inp, outputs: new DepthwiseConv2D(3, { strides: 2, seed: 1 }).apply(padded) });
    assert.equal(kernelCalls(() => chain.predict(x)).get('Pad'), undefined);

    const inp2 = input({ shape: [8, 8, 4] });
    const padded2 = new ZeroPadding2D(1).apply(inp2);
    const branched = new Model({ inputs: inp2, outputs: new Add().apply([new DepthwiseConv2D(3, { padding: 'same', seed: 1 }).apply(padded2), padded2]) });
    assert.equal(kernelCalls(() => branched.predict(x)).get('Pad'), 1);

    const both = new Model({ inputs: inp, outputs: [padded, new DepthwiseConv2D(3, { seed: 2 }).apply(padded)] });
    assert.equal(kernelCalls(() => both.predict(x)).get('Pad'), 1);
  });

  it('mobilenet-mini trains without a Pad or Slice (the stem and the strided depthwise convs take their padding)', () => {
    engine.setBackend('ref');
    const model = mobilenetMini({ seed: 1 });
    const x = randn([2, 32, 32, 3], new Random(4));
    const counts = kernelCalls(() => { valueAndGrads(model, x, null, true); });
    assert.equal(counts.get('Pad'), undefined);
    assert.equal(counts.get('Slice'), undefined);
  });
});
