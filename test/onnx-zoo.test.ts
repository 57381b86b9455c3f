/**
 * The three 32x32 models of ../shared/peers/torch_zoo.py (cifar-vgg, resnet8, mobilenet-mini, as
 * Keras-style models) exported to ONNX and run in ONNX Runtime: predictions equal Fovea's
 * (max abs difference of the logits <= 1e-4) with every BatchNormalization folded into its conv
 * and with every BatchNormalization kept as a node. Each model first takes one Adam step (trained
 * weights, moving statistics moved), then gets random non-default BN statistics. Skipped when
 * onnxruntime-node is not installed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../src/backend/engine.js';
import { maxAbsDiff, randomizeBatchNorm } from '../src/io/onnx/export-test-util.js';
import { exportOnnx, type OnnxExportable } from '../src/io/onnx/onnx-export.js';
import { onnxType } from '../src/io/onnx/onnx-proto.js';
import { SparseCategoricalCrossentropy } from '../src/losses/sparse-categorical-crossentropy.js';
import type { Model } from '../src/models/functional.js';
import type { Sequential } from '../src/models/sequential.js';
import { tensor } from '../src/ops/create.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { runOnnx, skipWithoutOrt } from './onnx-runtime-util.js';
import { cifarVgg, mobilenetMini, PEER_PARAMS, resnet8 } from './onnx-zoo-models.js';

const skip = skipWithoutOrt;

function normalImages(n: number, seed: number): Tensor {
  const rng = new Random(seed);
  return tensor(Float32Array.from({ length: n * 32 * 32 * 3 }, () => rng.normal()), [n, 32, 32, 3]);
}

interface OnnxNode { opType: string; attribute: { name: string; i?: unknown }[] }

function onnxNodes(bytes: Uint8Array): OnnxNode[] {
  return (onnxType('ModelProto').decode(bytes) as unknown as { graph: { node: OnnxNode[] } }).graph.node;
}

const count = (nodes: OnnxNode[], op: string): number => nodes.filter((n) => n.opType === op).length;

/** One Adam step on random labels, then random BN statistics: nothing is at its initial value. */
async function trained(model: Sequential | Model, seed: number): Promise<void> {
  model.compile({ optimizer: 'adam', loss: new SparseCategoricalCrossentropy({ fromLogits: true }) });
  const labels = tensor(Int32Array.from({ length: 16 }, (_, i) => (i * 7 + seed) % 10), [16], 'int32');
  await model.fit(normalImages(16, seed), labels, { epochs: 1, batchSize: 16, verbose: 0 });
  randomizeBatchNorm(model.layers, seed);
}

/** Max abs difference between ONNX Runtime's and Fovea's outputs, and the largest |output| for scale. */
async function onnxDiff(model: OnnxExportable & { predict(x: Tensor): Tensor | Tensor[] }, bytes: Uint8Array, x: Tensor): Promise<{ diff: number; scale: number }> {
  const out = await runOnnx(bytes, x);
  const ours = model.predict(x) as Tensor;
  assert.deepEqual([...out.dims], ours.shape, 'output shape');
  const values = Float32Array.from(ours.dataSync());
  return { diff: maxAbsDiff(out.data, values), scale: values.reduce((m, v) => Math.max(m, Math.abs(v)), 0) };
}

const ZOO = [
  { name: 'cifar-vgg', build: cifarVgg, batchNorms: 5 },
  { name: 'resnet8', build: resnet8, batchNorms: 9 },
  { name: 'mobilenet-mini', build: mobilenetMini, batchNorms: 9 },
] as const;

for (const { name, build, batchNorms } of ZOO) {
  test(`${name} exported to ONNX predicts like Fovea, BatchNormalization folded and not`, { skip }, async (t) => {
    const model = build(21);
    const trainable = model.trainableWeights.reduce((s, w) => s + w.size, 0);
    assert.equal(trainable, PEER_PARAMS[name], `${name}: trainable params equal the peer's`);
    assert.equal(model.countParams(), trainable + 2 * model.layers.filter((l) => l.className === 'BatchNormalization').reduce((s, l) => s + l.weights[0].size, 0));
    await trained(model, 5);
    const x = normalImages(32, 9);

    const folded = await exportOnnx(model);
    const kept = await exportOnnx(model, { foldBatchNorm: false });
    const { diff: foldedDiff, scale } = await onnxDiff(model, folded, x);
    const { diff: keptDiff } = await onnxDiff(model, kept, x);
    t.diagnostic(`${name}: max abs diff of the logits (max |logit| ${scale.toFixed(2)}): folded ${foldedDiff.toExponential(2)}, BN nodes ${keptDiff.toExponential(2)}`);
    assert.ok(foldedDiff <= 1e-4, `${name} folded: max abs diff ${foldedDiff}`);
    assert.ok(keptDiff <= 1e-4, `${name} with BN nodes: max abs diff ${keptDiff}`);

    assert.equal(count(onnxNodes(folded), 'BatchNormalization'), 0, 'every BN follows a linear conv: all folded');
    assert.equal(count(onnxNodes(kept), 'BatchNormalization'), batchNorms);
    assert.equal(count(onnxNodes(folded), 'Conv'), count(onnxNodes(kept), 'Conv'));
    assert.equal(count(onnxNodes(folded), 'GlobalAveragePool'), 1);
  });
}

test('resnet8 exports its residual Adds; mobilenet-mini its depthwise convs as grouped Conv and ReLU6 as Clip', async () => {
  const resnet = onnxNodes(await exportOnnx(resnet8(1)));
  assert.equal(count(resnet, 'Add'), 3);
  const mobile = onnxNodes(await exportOnnx(mobilenetMini(1)));
  const groups = mobile.filter((n) => n.opType === 'Conv').map((n) => Number(n.attribute.find((a) => a.name === 'group')?.i));
  assert.deepEqual(groups, [1, 32, 1, 64, 1, 128, 1, 128, 1]);
  assert.equal(count(mobile, 'Clip'), 9);
  // NHWC in, NCHW inside: one Transpose at the input, none between the convs (GAP flattens).
  assert.equal(count(mobile, 'Transpose'), 1);
});
