/**
 * ONNX export checked by the real peer: models exported by Fovea run in ONNX Runtime
 * (onnxruntime-node, a devDependency) and give Fovea's predictions on 100 MNIST test images
 * (max abs difference <= 1e-4): the seed CNN, a Sequential model with every exportable layer, a
 * functional model with every merge layer, and one model per activation. Skipped when
 * onnxruntime-node is not installed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../src/backend/engine.js';
import { loadMnist } from '../src/data/mnist.js';
import { activationModel, everyLayerSequential, maxAbsDiff, mergeFunctional } from '../src/io/onnx/export-test-util.js';
import { exportOnnx, type OnnxExportable } from '../src/io/onnx/onnx-export.js';
import { ONNX_ACTIVATIONS } from '../src/io/onnx/onnx-activations.js';
import { onnxType } from '../src/io/onnx/onnx-proto.js';
import { BatchNormalization } from '../src/layers/batch-normalization.js';
import { Conv2D } from '../src/layers/conv2d.js';
import { UpSampling2D } from '../src/layers/up-sampling2d.js';
import { mnistCnn } from '../src/models/mnist-cnn.js';
import { Sequential } from '../src/models/sequential.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { runOnnx, skipWithoutOrt } from './onnx-runtime-util.js';

const skip = skipWithoutOrt;

let images: Tensor | null = null;
function mnistImages(): Tensor {
  images ??= loadMnist({ limitTrain: 1, limitTest: 100 }).testImages;
  return images;
}

interface Predictor { name: string; predict(x: Tensor): Tensor | Tensor[] }

async function compare(model: OnnxExportable & Predictor, opset?: number): Promise<number> {
  const x = mnistImages();
  const out = await runOnnx(await exportOnnx(model, { opset }), x);
  const ours = model.predict(x) as Tensor;
  assert.deepEqual([...out.dims], ours.shape, `${model.name}: output shape`);
  return maxAbsDiff(out.data, ours.dataSync());
}

test('the seed CNN exported to ONNX predicts like Fovea on 100 MNIST images', { skip }, async () => {
  const diff = await compare(mnistCnn({ seed: 5 }));
  assert.ok(diff <= 1e-4, `max abs diff ${diff}`);
});

test('a Sequential model with every exportable layer matches in ONNX Runtime', { skip }, async () => {
  for (const opset of [13, 17]) {
    const diff = await compare(everyLayerSequential(), opset);
    assert.ok(diff <= 1e-4, `opset ${opset}: max abs diff ${diff}`);
  }
});

test('a functional model with Add, Multiply, Average, Concatenate and global pooling matches', { skip }, async () => {
  const diff = await compare(mergeFunctional());
  assert.ok(diff <= 1e-4, `max abs diff ${diff}`);
});

test('every exportable activation matches ONNX Runtime', { skip }, async () => {
  for (const activation of ONNX_ACTIVATIONS) {
    const diff = await compare(activationModel(activation));
    assert.ok(diff <= 1e-4, `${activation}: max abs diff ${diff}`);
  }
});

test('a chain of NHWC convolutions and pools runs NCHW inside: one Transpose in, one before Flatten', async () => {
  const proto = onnxType('ModelProto').decode(await exportOnnx(mnistCnn({ seed: 1 }))) as unknown as { graph: { node: { opType: string }[] }; opsetImport: { version: unknown }[] };
  const ops = proto.graph.node.map((n) => n.opType);
  assert.deepEqual(ops, ['Transpose', 'Conv', 'Relu', 'MaxPool', 'Conv', 'Relu', 'MaxPool', 'Conv', 'Relu', 'Transpose', 'Flatten', 'Gemm', 'Relu', 'Gemm', 'Softmax', 'Identity']);
  assert.equal(Number(proto.opsetImport[0].version), 13);
});

test('unsupported layers, activations and opsets are refused by name', async () => {
  const upsampled = new Sequential({ name: 'upsampled' });
  upsampled.add(new Conv2D(2, 3, { inputShape: [8, 8, 1] }));
  upsampled.add(new BatchNormalization());
  upsampled.add(new UpSampling2D(2));
  await assert.rejects(exportOnnx(upsampled), /exportOnnx: layer 'up_sampling2d(_\d+)?' \(UpSampling2D\) has no ONNX export; supported: .*BatchNormalization/);
  await assert.rejects(exportOnnx(activationModel('sinc')), /activation 'sinc' has no ONNX export/);
  await assert.rejects(exportOnnx(mnistCnn(), { opset: 11 }), /opset must be an integer from 13 to 21, got 11/);
});
