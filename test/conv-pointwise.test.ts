/**
 * The planner's convPointwise pattern (a MobileNet block's depthwise -> pointwise pair at
 * inference) and its op and kernel: Conv2DPointwise against the reference on 1 and 2 threads (the
 * fused depthwisePointwise job and the two-kernel fallback), bit for bit against Conv2D then Conv2D
 * on wasm; conv2dPointwise against conv2d(conv2d(...)) (values, and gradients while recording);
 * the pattern on stages (what it covers, what stops it); and mobilenet-mini's prediction through it
 * against the same model with fusion off, in a Sequential, a functional Model and nn.Sequential.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradients } from '../src/autograd/backward.js';
import { noGrad } from '../src/autograd/grad-mode.js';
import { kernelCalls } from '../src/backend/kernel-calls.js';
import type { FusedActivation } from '../src/backend/kernels.js';
import { BatchNormalization } from '../src/layers/batch-normalization.js';
import { Conv2D } from '../src/layers/conv2d.js';
import { DepthwiseConv2D } from '../src/layers/depthwise-conv2d.js';
import { input } from '../src/layers/input.js';
import { ReLU } from '../src/layers/activation-layers.js';
import { Add } from '../src/layers/merge.js';
import { Model } from '../src/models/functional.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { planChain, withoutFusion } from '../src/plan/planner.js';
import { type ConvStage, OPAQUE, RELU6, type Stage } from '../src/plan/stage.js';
import { engine } from '../src/backend/engine.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import * as nn from '../src/nn/index.js';
import { mobilenetMini, mobilenetMiniNn } from '../src/zoo/mobilenet-mini.js';
import { assertClose } from './fusion-test-util.js';
import { checkKernelAgainstRef, runKernelOn } from './kernel-dispatch-test-util.js';

registerWasmBackend({ name: 'wasm-pw-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-pw-2t', threads: 2, priority: 0 });
const WASM = ['wasm-pw-1t', 'wasm-pw-2t'] as const;

const randn = (shape: number[], rng: Random, scale = 1) => ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale), shape);

/** [x, first filter, groups, stride, padding, pointwise outputs, the wasm export that must run]. */
const CASES: [number[], number[], number, number, [number, number, number, number], number, string][] = [
  [[3, 8, 8, 16], [3, 3, 1, 16], 16, 1, [1, 1, 1, 1], 32, 'depthwisePointwiseBlocks'], // a stride-1 block, 3 images (uneven thread split)
  [[2, 9, 9, 8], [3, 3, 1, 8], 8, 2, [0, 1, 0, 1], 16, 'depthwisePointwiseBlocks'], // stride 2 after PyTorch-style padding
  [[2, 5, 7, 6], [3, 3, 1, 6], 6, 1, [1, 1, 1, 1], 12, 'depthwisePointwiseBlocks'], // C % 4 != 0, K % 8 != 0, 7 columns
  [[1, 4, 4, 128], [3, 3, 1, 128], 128, 2, [0, 1, 0, 1], 256, 'depthwisePointwiseBlocks'], // mobilenet-mini's last block
  [[2, 6, 6, 4], [3, 3, 4, 8], 1, 1, [1, 1, 1, 1], 8, 'winoMRForward'], // a dense first conv: the two Conv2D kernels (6x6 'same' takes F(3x3, 3x3) tiles)
];

const ONE_BY_ONE = { strides: [1, 1] as [number, number], pad: [0, 0, 0, 0] as [number, number, number, number], dilations: [1, 1] as [number, number], groups: 1 };

/** One block's operands: the first conv (attributes, activation, bias) and the pointwise conv after it. */
interface TestBlock {
  filter: Tensor; bias?: Tensor; pointwiseFilter: Tensor; pointwiseBias?: Tensor;
  conv: { strides: [number, number]; pad: [number, number, number, number]; dilations: [number, number]; groups: number };
  activation: FusedActivation; pointwiseActivation: FusedActivation;
}

/** A stem conv before the blocks: its filter, bias, attributes and activation. */
interface TestStem { filter: Tensor; bias?: Tensor; conv: TestBlock['conv']; activation: FusedActivation }

/** Conv2DPointwise's inputs and attributes for `blocks` (the kernel takes arrays; the test util's type does not know them). */
function kernelArgs(x: Tensor, blocks: readonly TestBlock[], globalAverage: boolean, stem?: TestStem): [never, unknown] {
  const inputs = {
    x, filters: blocks.map((b) => b.filter), pointwiseFilters: blocks.map((b) => b.pointwiseFilter),
    biases: blocks.flatMap((b) => [b.bias, b.pointwiseBias].filter((t): t is Tensor => t !== undefined)),
    ...(stem === undefined ? {} : { stemFilter: stem.filter, ...(stem.bias === undefined ? {} : { stemBias: stem.bias }) }),
  };
  const attrs = blocks.map((b) => ({ ...b.conv, activation: b.activation, pointwiseActivation: b.pointwiseActivation, bias: b.bias !== undefined, pointwiseBias: b.pointwiseBias !== undefined }));
  const stemAttrs = stem === undefined ? {} : { stem: { ...stem.conv, activation: stem.activation, bias: stem.bias !== undefined } };
  return [inputs as never, { blocks: attrs, globalAverage, ...stemAttrs }];
}

/** The blocks as Conv2D kernels one after the other on `backend` (then the mean op): what the fused job must equal bit for bit. */
function unfusedKernels(backend: string, x: Tensor, blocks: readonly TestBlock[], globalAverage: boolean, stem?: TestStem): Float32Array {
  engine.setBackend(backend);
  try {
    let h = stem === undefined ? x : engine.runKernel('Conv2D', { x, filter: stem.filter, bias: stem.bias }, { ...stem.conv, activation: stem.activation });
    for (const b of blocks) {
      const first = engine.runKernel('Conv2D', { x: h, filter: b.filter, bias: b.bias }, { ...b.conv, activation: b.activation });
      h = engine.runKernel('Conv2D', { x: first, filter: b.pointwiseFilter, bias: b.pointwiseBias }, { ...ONE_BY_ONE, activation: b.pointwiseActivation });
    }
    return Float32Array.from((globalAverage ? ops.mean(h, [1, 2]) : h).dataSync());
  } finally {
    engine.setBackend('ref');
  }
}

function checkBlocks(title: string, x: Tensor, blocks: readonly TestBlock[], kernel: string, stem?: TestStem): void {
  for (const globalAverage of [false, true]) {
    const [inputs, attrs] = kernelArgs(x, blocks, globalAverage, stem);
    checkKernelAgainstRef(`${title}${globalAverage ? ', mean' : ''}`, WASM, 'Conv2DPointwise', inputs, attrs, kernel);
    for (const backend of WASM) {
      const fused = runKernelOn(backend, 'Conv2DPointwise', inputs, attrs).values;
      assert.deepEqual(fused, unfusedKernels(backend, x, blocks, globalAverage, stem), `${title}, ${backend}${globalAverage ? ', mean' : ''}: differs from the Conv2D kernels`);
    }
  }
}

describe('Conv2DPointwise kernel', () => {
  const rng = new Random(5);
  const block = (ws: number[], groups: number, s: number, pad: [number, number, number, number], k: number, activation: FusedActivation, pointwiseActivation: FusedActivation, withBias: boolean): TestBlock => ({
    filter: randn(ws, rng, 0.5), bias: withBias ? randn([ws[3]!], rng) : undefined,
    pointwiseFilter: randn([1, 1, ws[3]!, k], rng, 0.3), pointwiseBias: withBias ? randn([k], rng) : undefined,
    conv: { strides: [s, s], pad, dilations: [1, 1], groups }, activation, pointwiseActivation,
  });
  for (const [xs, ws, groups, s, pad, k, kernel] of CASES) {
    for (const [act, pact, withBias] of [['relu6', 'relu6', true], ['linear', 'relu', false], ['relu', 'linear', true]] as const) {
      it(`${xs} * ${ws} (groups ${groups}, stride ${s}) ${act} -> 1x1 ${k} ${pact}${withBias ? '' : ', no biases'}: ${kernel} on 1 and 2 threads matches ref, same bits as the Conv2D kernels (then the mean)`, () => {
        checkBlocks(`${xs}`, randn(xs, rng), [block(ws, groups, s, pad, k, act, pact, withBias)], kernel);
      });
    }
  }

  it('mobilenet-mini\'s four blocks (3 images) run as one depthwisePointwiseBlocks job, same bits as the Conv2D kernels', () => {
    const blocks = [
      block([3, 3, 1, 32], 32, 1, [1, 1, 1, 1], 64, 'relu6', 'relu6', true),
      block([3, 3, 1, 64], 64, 2, [1, 0, 1, 0], 128, 'relu6', 'relu6', true),
      block([3, 3, 1, 128], 128, 1, [1, 1, 1, 1], 128, 'relu6', 'relu6', false),
      block([3, 3, 1, 128], 128, 2, [1, 0, 1, 0], 256, 'relu6', 'relu6', true),
    ];
    checkBlocks('four blocks', randn([3, 16, 16, 32], rng), blocks, 'depthwisePointwiseBlocks');
  });

  it('a stem conv before the blocks: an RGB stem (conv1ForwardStrips) runs in the job, image by image; others as Conv2D first', () => {
    const stem = (ws: number[], s: number, pad: [number, number, number, number], activation: FusedActivation, withBias: boolean): TestStem => ({
      filter: randn(ws, rng, 0.4), bias: withBias ? randn([ws[3]!], rng) : undefined, conv: { strides: [s, s], pad, dilations: [1, 1], groups: 1 }, activation,
    });
    const blocks = (c: number) => [block([3, 3, 1, c], c, 1, [1, 1, 1, 1], 16, 'relu6', 'relu6', true), block([3, 3, 1, 16], 16, 2, [1, 1, 1, 1], 24, 'relu6', 'linear', true)];
    // mobilenet-mini's stem (PyTorch's padding 1 at stride 2), 3 images: an uneven split over 2 threads.
    checkBlocks('RGB stem', randn([3, 12, 12, 3], rng), blocks(8), 'depthwisePointwiseBlocks', stem([3, 3, 3, 8], 2, [1, 1, 1, 1], 'relu6', true));
    // Two channels, unpadded, no bias, linear, stride 1.
    checkBlocks('2-channel stem', randn([2, 9, 9, 2], rng), blocks(12), 'depthwisePointwiseBlocks', stem([3, 3, 2, 12], 1, [0, 0, 0, 0], 'linear', false));
    // A 4-channel stem is not conv1ForwardStrips': the stem and blocks run as Conv2D kernels.
    const four = stem([3, 3, 4, 8], 1, [1, 1, 1, 1], 'relu', true);
    checkBlocks('4-channel stem', randn([2, 8, 8, 4], rng), blocks(8), 'wino4Forward', four);
    const [inputs, attrs] = kernelArgs(randn([2, 8, 8, 4], rng), blocks(8), false, four);
    assert.ok(!runKernelOn(WASM[1], 'Conv2DPointwise', inputs, attrs).calls.includes('depthwisePointwiseBlocks'));
  });

  it('blocks with a dilated depthwise conv run as the Conv2D kernels, on 1 and 2 threads as the reference', () => {
    const dilated = { ...block([3, 3, 1, 8], 8, 1, [2, 2, 2, 2], 8, 'relu', 'linear', true), conv: { strides: [1, 1] as [number, number], pad: [2, 2, 2, 2] as [number, number, number, number], dilations: [2, 2] as [number, number], groups: 8 } };
    const blocks = [block([3, 3, 1, 8], 8, 1, [1, 1, 1, 1], 8, 'relu6', 'relu6', true), dilated];
    checkBlocks('dilated', randn([2, 7, 7, 8], rng), blocks, 'depthwiseForward');
    const [inputs, attrs] = kernelArgs(randn([2, 7, 7, 8], rng), blocks, false);
    assert.ok(!runKernelOn(WASM[1], 'Conv2DPointwise', inputs, attrs).calls.includes('depthwisePointwiseBlocks'));
  });

  it('rejects a pointwise filter that is not 1x1 over the first conv\'s outputs', () => {
    const r = new Random(1);
    const b = { ...block([3, 3, 1, 4], 4, 1, [1, 1, 1, 1], 8, 'linear', 'linear', false), pointwiseFilter: randn([1, 1, 3, 8], r) };
    const [inputs, attrs] = kernelArgs(randn([1, 4, 4, 4], r), [b], false);
    engine.setBackend(WASM[0]);
    try {
      assert.throws(() => engine.runKernel('Conv2DPointwise', inputs, attrs as never), /pointwise filter \[1, 1, 4, K\]/);
    } finally {
      engine.setBackend('ref');
    }
  });
});

describe('conv2dPointwise op', () => {
  const rng = new Random(9);
  const options = { groups: 6, strides: 2, padding: 'same' as const, activation: 'relu6' as const };
  const operands = () => [randn([2, 7, 7, 6], rng), randn([3, 3, 1, 6], rng, 0.5), randn([6], rng), randn([1, 1, 6, 5], rng, 0.5), randn([5], rng)];
  const blocks = (t: Tensor[]) => [{ filter: t[1]!, options: { ...options, bias: t[2]! }, pointwise: { filter: t[3]!, bias: t[4]!, activation: 'relu' as const } }];
  const fused = (t: Tensor[]) => ops.conv2dPointwise(t[0]!, blocks(t));
  const chain = (t: Tensor[]) => ops.conv2d(ops.conv2d(t[0]!, t[1]!, { ...options, bias: t[2]! }), t[3]!, { bias: t[4]!, activation: 'relu' });

  for (const backend of ['ref', ...WASM]) {
    it(`equals conv2d then the pointwise conv2d, without and with a graph (${backend})`, () => {
      engine.setBackend(backend);
      try {
        const t = operands();
        const calls = kernelCalls(() => noGrad(() => fused(t).dataSync()));
        assert.equal(calls.get('Conv2DPointwise'), 1);
        assert.deepEqual(noGrad(() => fused(t)).dataSync(), noGrad(() => chain(t)).dataSync());
        for (const v of t) v.requiresGrad = true;
        const [a, b] = [fused(t), chain(t)];
        assert.deepEqual(a.dataSync(), b.dataSync());
        const cot = randn([...a.shape], rng);
        const ga = gradients(ops.sum(ops.mul(a, cot)), t), gb = gradients(ops.sum(ops.mul(b, cot)), t);
        ga.forEach((g, i) => assert.deepEqual(g!.dataSync(), gb[i]!.dataSync(), `gradient ${i}`));
        // With the global average that follows, kept or not: the mean op's values and gradients.
        for (const keepdims of [false, true]) {
          const pooled = (u: Tensor[]) => ops.conv2dPointwise(u[0]!, blocks(u), { keepdims });
          const plain = noGrad(() => pooled(t)), expected = noGrad(() => ops.mean(chain(t), [1, 2], keepdims));
          assert.deepEqual(plain.shape, expected.shape);
          assert.deepEqual(plain.dataSync(), expected.dataSync());
          const [c, d] = [pooled(t), ops.mean(chain(t), [1, 2], keepdims)];
          const gc = gradients(ops.sum(ops.mul(c, c)), t), gd = gradients(ops.sum(ops.mul(d, d)), t);
          gc.forEach((g, i) => assert.deepEqual(g!.dataSync(), gd[i]!.dataSync(), `mean gradient ${i}`));
        }
      } finally {
        engine.setBackend('ref');
      }
    });
  }
});

describe('conv2dPointwise op with a stem', () => {
  for (const backend of ['ref', ...WASM]) {
    it(`equals conv2d (the stem) then conv2dPointwise without it, values and gradients (${backend})`, () => {
      engine.setBackend(backend);
      try {
        const rng = new Random(13);
        const t = [randn([3, 10, 10, 3], rng), randn([3, 3, 3, 8], rng, 0.4), randn([8], rng), randn([3, 3, 1, 8], rng, 0.5), randn([1, 1, 8, 6], rng, 0.3)];
        const stemOptions = (u: Tensor[]) => ({ strides: 2, padding: [1, 1, 1, 1] as [number, number, number, number], bias: u[2]!, activation: 'relu6' as const });
        const blocks = (u: Tensor[]) => [{ filter: u[3]!, options: { groups: 8, padding: 'same' as const, activation: 'relu6' as const }, pointwise: { filter: u[4]!, activation: 'relu' as const } }];
        const fused = (u: Tensor[]) => ops.conv2dPointwise(u[0]!, blocks(u), { keepdims: false }, { filter: u[1]!, options: stemOptions(u) });
        const chain = (u: Tensor[]) => ops.conv2dPointwise(ops.conv2d(u[0]!, u[1]!, stemOptions(u)), blocks(u), { keepdims: false });
        const calls = kernelCalls(() => noGrad(() => fused(t).dataSync()));
        assert.equal(calls.get('Conv2DPointwise'), 1);
        assert.equal(calls.get('Conv2D'), undefined);
        assert.deepEqual(noGrad(() => fused(t)).dataSync(), noGrad(() => chain(t)).dataSync());
        for (const v of t) v.requiresGrad = true;
        const [a, b] = [fused(t), chain(t)];
        assert.deepEqual(a.dataSync(), b.dataSync());
        const ga = gradients(ops.sum(ops.mul(a, a)), t), gb = gradients(ops.sum(ops.mul(b, b)), t);
        ga.forEach((g, i) => assert.deepEqual(g!.dataSync(), gb[i]!.dataSync(), `gradient ${i}`));
      } finally {
        engine.setBackend('ref');
      }
    });
  }
});

describe('conv2dPointwise op, channels first', () => {
  it('runs two blocks on an NCHW input, and averages the output to [N, K] (or [N, K, 1, 1]) as mean over axes 2, 3 does', () => {
    const rng = new Random(12);
    const x = randn([2, 4, 5, 5], rng), w = randn([3, 3, 1, 4], rng), pw = randn([1, 1, 4, 3], rng), w2 = randn([3, 3, 1, 3], rng), pw2 = randn([1, 1, 3, 2], rng);
    const options = { groups: 4, padding: 'same' as const, dataFormat: 'channelsFirst' as const, activation: 'relu6' as const };
    const options2 = { groups: 3, strides: 2, padding: 1, dataFormat: 'channelsFirst' as const };
    const blocks = [{ filter: w, options, pointwise: { filter: pw } }, { filter: w2, options: options2, pointwise: { filter: pw2, activation: 'relu' as const } }];
    const chain = () => ops.conv2d(ops.conv2d(ops.conv2d(ops.conv2d(x, w, options), pw, { dataFormat: 'channelsFirst' }), w2, options2), pw2, { dataFormat: 'channelsFirst', activation: 'relu' });
    assertClose(noGrad(() => ops.conv2dPointwise(x, blocks)), noGrad(chain), 1e-6, 'two blocks');
    for (const keepdims of [false, true]) {
      const fused = noGrad(() => ops.conv2dPointwise(x, blocks, { keepdims }));
      const expected = noGrad(() => ops.mean(chain(), [2, 3], keepdims));
      assert.deepEqual(fused.shape, expected.shape);
      assertClose(fused, expected, 1e-6, `keepdims ${keepdims}`);
    }
  });
});

describe('the convPointwise pattern', () => {
  const notRun = () => { throw new Error('not run'); };
  const shape = (steps: ReturnType<typeof planChain>) => steps.map((s) => (s.kind === 'node' ? s.node : `${s.fusion.pattern}[${s.nodes.join(',')}]`));
  const depthwise = (activation: FusedActivation = 'linear'): ConvStage => ({
    kind: 'conv', activation, dataFormat: 'channelsLast', runWith: notRun, runWithPool: notRun, separableBlock: notRun,
    withPadding: () => depthwise(activation), weights: { kernel: null as unknown as Tensor, bias: null, outAxes: [2, 3] }, withWeights: () => depthwise(activation),
  });
  const pointwise = (activation: FusedActivation = 'linear'): ConvStage => ({
    kind: 'conv', activation, dataFormat: 'channelsLast', runWith: notRun, runWithPool: notRun, pointwise: notRun,
    weights: { kernel: null as unknown as Tensor, bias: null, outAxes: [3] }, withWeights: () => pointwise(activation),
  });
  const bn: Stage = { kind: 'batchNorm', runWithRelu: notRun, dataFormat: 'channelsLast', fold: (w) => w };
  const pad: Stage = { kind: 'zeroPad', padding: [[0, 1], [0, 1]], dataFormat: 'channelsLast' };

  it('covers [pad ->] depthwise [-> BN] [-> relu6] -> pointwise [-> BN] [-> relu6], a MobileNet block', () => {
    assert.deepEqual(shape(planChain([depthwise(), bn, RELU6, pointwise(), bn, RELU6, OPAQUE])), ['convPointwise[0,1,2,3,4,5]', 6]);
    assert.deepEqual(shape(planChain([pad, depthwise(), bn, RELU6, pointwise(), bn, RELU6])), ['convPointwise[0,1,2,3,4,5,6]']);
    assert.deepEqual(shape(planChain([depthwise('relu6'), pointwise('relu')])), ['convPointwise[0,1]']);
    const gap = (dataFormat: 'channelsLast' | 'channelsFirst'): Stage => ({ kind: 'globalAvgPool', keepdims: false, dataFormat });
    assert.deepEqual(shape(planChain([pad, depthwise(), bn, RELU6, pointwise(), bn, RELU6, gap('channelsLast'), OPAQUE])), ['convPointwise+globalAvgPool[0,1,2,3,4,5,6,7]', 8]);
    assert.deepEqual(shape(planChain([depthwise(), pointwise(), gap('channelsFirst')])), ['convPointwise[0,1]', 2]);
    // Blocks that follow each other are one op, up to the pooling after them.
    const block = (padded: boolean) => [...(padded ? [pad] : []), depthwise(), bn, RELU6, pointwise(), bn, RELU6];
    assert.deepEqual(shape(planChain([...block(false), ...block(true), ...block(false), gap('channelsLast')])), [`convPointwisex3+globalAvgPool[${[...Array(20).keys()].join(',')}]`]);
    assert.deepEqual(shape(planChain([...block(false), OPAQUE, ...block(false)])), ['convPointwise[0,1,2,3,4,5]', 6, 'convPointwise[7,8,9,10,11,12]']);
  });

  it('takes an ungrouped conv just before the first block as its stem ([pad ->] conv [-> BN] [-> relu6])', () => {
    const stem = (): ConvStage => ({
      kind: 'conv', activation: 'linear', dataFormat: 'channelsLast', runWith: notRun, runWithPool: notRun, pointwiseStem: notRun,
      withPadding: () => stem(), weights: { kernel: null as unknown as Tensor, bias: null, outAxes: [3] }, withWeights: () => stem(),
    });
    const gap: Stage = { kind: 'globalAvgPool', keepdims: false, dataFormat: 'channelsLast' };
    const block = [depthwise(), bn, RELU6, pointwise(), bn, RELU6];
    assert.deepEqual(shape(planChain([pad, stem(), bn, RELU6, ...block, gap])), [`stem+convPointwise+globalAvgPool[${[...Array(11).keys()].join(',')}]`]);
    assert.deepEqual(shape(planChain([stem(), ...block, ...block])), [`stem+convPointwisex2[${[...Array(13).keys()].join(',')}]`]);
    // No block after it, or something between: the stem is left to the other patterns.
    assert.deepEqual(shape(planChain([stem(), RELU6, OPAQUE, ...block])), ['reluEpilogue[0,1]', 2, 'convPointwise[3,4,5,6,7,8]']);
    assert.deepEqual(shape(planChain([stem(), bn, RELU6, pointwise()])), ['convBnFold+reluEpilogue[0,1,2]', 3]);
  });

  it('declines a second conv that is not pointwise, a padding before it, a first conv that is not grouped, and anything between', () => {
    assert.deepEqual(shape(planChain([depthwise(), RELU6, depthwise(), RELU6])), ['reluEpilogue[0,1]', 'reluEpilogue[2,3]']);
    assert.deepEqual(shape(planChain([depthwise(), RELU6, pad, pointwise()])), ['reluEpilogue[0,1]', 2, 3]);
    assert.deepEqual(shape(planChain([pointwise(), RELU6, pointwise()])), ['reluEpilogue[0,1]', 2]);
    assert.deepEqual(shape(planChain([depthwise(), RELU6, OPAQUE, pointwise()])), ['reluEpilogue[0,1]', 2, 3]);
  });
});

describe('mobilenet-mini predicts through convPointwise', () => {
  for (const backend of ['ref', WASM[1]]) {
    it(`one Conv2DPointwise kernel for its stem, four blocks and pooling, the prediction of the model with fusion off (${backend})`, () => {
      engine.setBackend(backend);
      try {
        const model = mobilenetMini({ seed: 3 });
        const x = randn([2, 32, 32, 3], new Random(2));
        const calls = kernelCalls(() => model.predict(x));
        assert.equal(calls.get('Conv2DPointwise'), 1, JSON.stringify([...calls]));
        assert.equal(calls.get('Conv2D'), undefined, 'the stem runs in it too');
        assert.equal(calls.get('Reduce'), undefined, 'the global average pooling runs in the last pair');
        assertClose(model.predict(x), withoutFusion(() => model.predict(x)), 1e-4, 'prediction');
        // Training normalizes with batch statistics: nothing folds, so no pair fuses.
        model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
        const trained = kernelCalls(() => model.trainOnBatch(x, ops.oneHot(ops.tensor(Int32Array.from([1, 4]), [2], 'int32'), 10)));
        assert.equal(trained.get('Conv2DPointwise'), undefined);
      } finally {
        engine.setBackend('ref');
      }
    });
  }

  it('a functional Model fuses the pair, and not when the depthwise output has a second reader', () => {
    const rng = new Random(4);
    const block = (withBranch: boolean) => {
      const inp = input({ shape: [6, 6, 8] });
      const d = new ReLU({ maxValue: 6 }).apply(new BatchNormalization().apply(new DepthwiseConv2D(3, { padding: 'same' }).apply(inp)));
      const p = new ReLU({ maxValue: 6 }).apply(new BatchNormalization().apply(new Conv2D(8, 1).apply(d)));
      return new Model({ inputs: inp, outputs: withBranch ? new Add().apply([p, d]) : p, seed: 7 });
    };
    const x = randn([2, 6, 6, 8], rng);
    for (const withBranch of [false, true]) {
      const model = block(withBranch);
      const calls = kernelCalls(() => model.predict(x));
      assert.equal(calls.get('Conv2DPointwise'), withBranch ? undefined : 1, JSON.stringify([...calls]));
      assertClose(model.predict(x) as Tensor, withoutFusion(() => model.predict(x)) as Tensor, 1e-5, `prediction (branch: ${withBranch})`);
    }
  });
});

describe('nn.Sequential reaches convPointwise', () => {
  /** Eval mode, running statistics that are not the initial ones (so the folds do something). */
  function evalNet(net: nn.Sequential, rng: Random): nn.Sequential {
    for (const m of net.children()) {
      if (!(m instanceof nn.BatchNorm2d)) continue;
      const c = m.numFeatures;
      m.runningMean!.assign(randn([c], rng, 0.1));
      m.runningVar!.assign(ops.add(ops.abs(randn([c], rng, 0.2)), 0.5));
    }
    net.eval();
    return net;
  }

  for (const backend of ['ref', WASM[1]]) {
    it(`mobilenetMiniNn in eval mode: one Conv2DPointwise (stem, blocks, pooling), the head; the unfused prediction (${backend})`, () => {
      engine.setBackend(backend);
      try {
        const rng = new Random(5);
        const net = evalNet(mobilenetMiniNn({ seed: 3 }), rng);
        const x = randn([2, 3, 32, 32], rng);
        const calls = kernelCalls(() => noGrad(() => net.forward(x).dataSync()));
        assert.equal(calls.get('Conv2DPointwise'), 1, JSON.stringify([...calls]));
        assert.equal(calls.get('Conv2D'), undefined, 'the stem runs in it too');
        assert.equal(calls.get('Pool2D'), undefined, 'AdaptiveAvgPool2d(1) runs in the last pair');
        const fused = noGrad(() => net.forward(x));
        assert.deepEqual(fused.shape, [2, 10]);
        assertClose(fused, noGrad(() => withoutFusion(() => net.forward(x))), 1e-4, 'prediction');
        // In training mode the norms use batch statistics: nothing folds, so no pair fuses.
        net.train();
        assert.equal(kernelCalls(() => noGrad(() => net.forward(x).dataSync())).get('Conv2DPointwise'), undefined);
      } finally {
        engine.setBackend('ref');
      }
    });
  }

  it('a stem and a pair with their parameters recording gradients run as the convs: the gradients of the unfused modules', () => {
    const rng = new Random(6);
    const net = evalNet(new nn.Sequential(
      new nn.Conv2d(3, 4, 3, { stride: 2, padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU6(),
      new nn.Conv2d(4, 4, 3, { stride: 2, padding: 1, groups: 4 }), new nn.BatchNorm2d(4), new nn.ReLU6(),
      new nn.Conv2d(4, 6, 1), new nn.BatchNorm2d(6), new nn.ReLU6(), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(),
    ), rng);
    const x = randn([2, 3, 13, 13], rng);
    const params = net.parameters();
    const loss = (y: Tensor) => ops.sum(ops.mul(y, y));
    const fused = gradients(loss(net.forward(x)), params);
    const plain = withoutFusion(() => gradients(loss(net.forward(x)), params));
    fused.forEach((g, i) => assertClose(g!, plain[i]!, 1e-5, `gradient ${i}`));
    assert.equal(kernelCalls(() => noGrad(() => net.forward(x).dataSync())).get('Conv2DPointwise'), 1);
  });

  it('declines a second conv that is not 1x1, stride 1 and unpadded, and AdaptiveAvgPool2d of another size', () => {
    const rng = new Random(7);
    const x = randn([1, 4, 6, 6], rng);
    const depthwise = () => new nn.Conv2d(4, 4, 3, { padding: 1, groups: 4 });
    for (const second of [new nn.Conv2d(4, 6, 1, { padding: 1 }), new nn.Conv2d(4, 6, 1, 2), new nn.Conv2d(4, 6, 3)]) {
      const net = evalNet(new nn.Sequential(depthwise(), new nn.ReLU6(), second), rng);
      const calls = kernelCalls(() => noGrad(() => net.forward(x).dataSync()));
      assert.equal(calls.get('Conv2DPointwise'), undefined, second.extraRepr());
    }
    for (const size of [2, null] as const) {
      const net = evalNet(new nn.Sequential(depthwise(), new nn.Conv2d(4, 6, 1), new nn.AdaptiveAvgPool2d(size)), rng);
      const calls = kernelCalls(() => noGrad(() => net.forward(x).dataSync()));
      assert.equal(calls.get('Conv2DPointwise'), 1);
      assert.equal(calls.get('Pool2D'), 1, `AdaptiveAvgPool2d(${size}) runs alone`);
      assertClose(noGrad(() => net.forward(x)), noGrad(() => withoutFusion(() => net.forward(x))), 1e-5, `AdaptiveAvgPool2d(${size})`);
    }
  });
});
