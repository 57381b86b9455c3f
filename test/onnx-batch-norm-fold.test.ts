/**
 * Where exportOnnx folds a BatchNormalization into the conv before it, and where it must not:
 * a folded graph has no BatchNormalization node, a refused one keeps it, and both predict like
 * Fovea in ONNX Runtime (max abs difference <= 1e-4) with random, non-default BN statistics.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../src/backend/engine.js';
import { maxAbsDiff, randomizeBatchNorm } from '../src/io/onnx/export-test-util.js';
import { exportOnnx } from '../src/io/onnx/onnx-export.js';
import { onnxType } from '../src/io/onnx/onnx-proto.js';
import { input } from '../src/layers/input.js';
import type { Layer } from '../src/layers/layer.js';
import { layerFromConfig } from '../src/layers/registry.js';
import type { SymbolicTensor } from '../src/layers/symbolic-tensor.js';
import { Model } from '../src/models/functional.js';
import { Sequential } from '../src/models/sequential.js';
import { tensor } from '../src/ops/create.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { runOnnxOutputs, skipWithoutOrt } from './onnx-runtime-util.js';

const L = (className: string, config: Record<string, unknown> = {}): Layer => layerFromConfig(className, config);
const S = (layer: Layer, x: SymbolicTensor | SymbolicTensor[]): SymbolicTensor => layer.apply(x) as SymbolicTensor;

function sequential(name: string, inputShape: number[], layers: Layer[]): Sequential {
  const model = new Sequential({ seed: 4, name });
  model.add(L('InputLayer', { batchInputShape: [null, ...inputShape] }));
  layers.forEach((l) => model.add(l));
  randomizeBatchNorm(model.layers, 8);
  return model;
}

function functional(name: string, build: (x: SymbolicTensor) => SymbolicTensor | SymbolicTensor[]): Model {
  const x = input({ shape: [8, 8, 3], name: 'image' });
  const model = new Model({ inputs: x, outputs: build(x), name, seed: 4 });
  randomizeBatchNorm(model.layers, 8);
  return model;
}

const conv = (config: Record<string, unknown> = {}): Layer => L('Conv2D', { filters: 4, kernelSize: 3, padding: 'same', ...config });
const bn = (config: Record<string, unknown> = {}): Layer => L('BatchNormalization', config);

const CASES: { model: () => Sequential | Model; batchNormNodes: number; shape?: number[] }[] = [
  // Folded.
  { model: () => sequential('conv_bn', [8, 8, 3], [conv(), bn()]), batchNormNodes: 0 },
  { model: () => sequential('conv_bn_last_axis_3', [8, 8, 3], [conv({ strides: 2 }), bn({ axis: 3, epsilon: 0.1 })]), batchNormNodes: 0 },
  { model: () => sequential('no_bias_no_gamma_beta', [8, 8, 3], [conv({ useBias: false }), bn({ center: false, scale: false })]), batchNormNodes: 0 },
  { model: () => sequential('depthwise_multiplier_2', [8, 8, 3], [L('DepthwiseConv2D', { kernelSize: 3, depthMultiplier: 2 }), bn()]), batchNormNodes: 0 },
  { model: () => sequential('grouped_conv', [8, 8, 4], [conv({ groups: 2 }), bn()]), batchNormNodes: 0, shape: [8, 8, 4] },
  { model: () => sequential('channels_first', [3, 8, 8], [conv({ dataFormat: 'channelsFirst' }), bn({ axis: 1 })]), batchNormNodes: 0, shape: [3, 8, 8] },
  {
    // A shared conv called twice, each call followed by its own BN: each call folds its own.
    model: () => functional('shared_conv', (x) => {
      const c = conv();
      return S(L('Add'), [S(bn(), S(c, x)), S(bn(), S(c, S(L('Activation', { activation: 'tanh' }), x)))]);
    }),
    batchNormNodes: 0,
  },
  // Kept: the conv's own output is seen by something else, or BN is not on its channels.
  { model: () => sequential('conv_relu_bn', [8, 8, 3], [conv({ activation: 'relu' }), bn()]), batchNormNodes: 1 },
  { model: () => sequential('bn_over_height', [8, 8, 3], [conv(), bn({ axis: 1 })]), batchNormNodes: 1 },
  { model: () => sequential('dense_bn', [8, 8, 3], [L('Flatten'), L('Dense', { units: 5 }), bn()]), batchNormNodes: 1 },
  { model: () => sequential('bn_bn', [8, 8, 3], [conv(), bn(), bn()]), batchNormNodes: 1 },
  {
    model: () => functional('conv_read_twice', (x) => {
      const h = S(conv(), x);
      return S(L('Add'), [S(bn(), h), h]);
    }),
    batchNormNodes: 1,
  },
  {
    model: () => functional('conv_is_an_output', (x) => {
      const h = S(conv(), x);
      return [S(bn(), h), h];
    }),
    batchNormNodes: 1,
  },
];

function images(shape: number[]): Tensor {
  const rng = new Random(2);
  return tensor(Float32Array.from({ length: 5 * shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), [5, ...shape]);
}

function batchNormNodes(bytes: Uint8Array): number {
  const proto = onnxType('ModelProto').decode(bytes) as unknown as { graph: { node: { opType: string }[] } };
  return proto.graph.node.filter((n) => n.opType === 'BatchNormalization').length;
}

test('a BatchNormalization folds into the conv right before it only where nothing else sees the conv output', async () => {
  for (const c of CASES) {
    const model = c.model();
    assert.equal(batchNormNodes(await exportOnnx(model)), c.batchNormNodes, `${model.name}: BatchNormalization nodes`);
  }
});

test('folded and kept BatchNormalizations predict like Fovea in ONNX Runtime', { skip: skipWithoutOrt }, async (t) => {
  let worst = 0;
  for (const c of CASES) {
    const model = c.model();
    const x = images(c.shape ?? [8, 8, 3]);
    const predicted = model.predict(x);
    const ours = Array.isArray(predicted) ? predicted : [predicted];
    const outs = await runOnnxOutputs(await exportOnnx(model), x);
    assert.equal(outs.length, ours.length, `${model.name}: outputs`);
    outs.forEach((out, i) => {
      assert.deepEqual([...out.dims], ours[i].shape, `${model.name}: output ${i} shape`);
      const diff = maxAbsDiff(out.data, Float32Array.from(ours[i].dataSync()));
      assert.ok(diff <= 1e-4, `${model.name}: output ${i}: max abs diff ${diff}`);
      worst = Math.max(worst, diff);
    });
  }
  t.diagnostic(`worst max abs diff over ${CASES.length} models: ${worst.toExponential(2)}`);
});

test('exportOnnx refuses a foldBatchNorm that is not a boolean', async () => {
  const model = CASES[0].model();
  await assert.rejects(exportOnnx(model, { foldBatchNorm: 'yes' as unknown as boolean }), /exportOnnx: foldBatchNorm must be true or false, got "yes"/);
});
