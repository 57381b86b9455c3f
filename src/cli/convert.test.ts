import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { bits, randomInput, smallCnn } from '../io/io-test-util.js';
import { mergeFunctional } from '../io/onnx/export-test-util.js';
import { saveModel } from '../io/model-io.js';
import { loadModelFile } from '../node/io/model-formats.js';
import type { Tensor } from '../tensor/tensor.js';
import { convertModel } from './convert.js';
import { withTempDir as inTempDir } from '../node/temp-dir-test-util.js';

const withTempDir = (run: (dir: string) => Promise<void>) => inTempDir('convert', run);

const predictBits = (m: { predict(x: Tensor): unknown }, x: Tensor) => bits((m.predict(x) as Tensor).dataSync());

test('convert: TensorFlow.js folder -> .keras -> TensorFlow.js folder and .safetensors keep every bit', () => withTempDir(async (dir) => {
  const model = smallCnn(6);
  const x = randomInput(2, [8, 8, 2], 3);
  await saveModel(model, join(dir, 'tfjs'));
  const report = await convertModel(join(dir, 'tfjs'), join(dir, 'm.keras'));
  assert.match(report, /-> .*m\.keras \(Keras 3 archive \(\.keras\)\): model "small_cnn", 4 layers, 187 parameters/);
  await convertModel(join(dir, 'm.keras'), join(dir, 'back'));
  await convertModel(join(dir, 'm.keras'), join(dir, 'w.safetensors'));
  await convertModel(join(dir, 'm.keras'), join(dir, 'm.onnx'));
  assert.deepEqual((await readdir(dir)).sort(), ['back', 'm.keras', 'm.onnx', 'tfjs', 'w.safetensors']);
  for (const path of [join(dir, 'm.keras'), join(dir, 'back')]) assert.deepEqual(predictBits(await loadModelFile(path), x), predictBits(model, x), path);
  // Weights alone go into an architecture read from another file; here one with other weights.
  await saveModel(smallCnn(99), join(dir, 'other'));
  const merged = await loadModelFile(join(dir, 'w.safetensors'), { architecture: join(dir, 'other') });
  assert.deepEqual(predictBits(merged, x), predictBits(model, x));
}));

test('convert: functional models go to .keras, .onnx and a TensorFlow.js folder; read-only and write-only formats are refused', () => withTempDir(async (dir) => {
  const { saveKeras } = await import('../io/keras/keras-file.js');
  const { writeFileAtomic } = await import('../node/io/atomic-write.js');
  const model = mergeFunctional(2);
  await writeFileAtomic(join(dir, 'f.keras'), await saveKeras(model));
  await convertModel(join(dir, 'f.keras'), join(dir, 'f.onnx'));
  await assert.rejects(convertModel(join(dir, 'f.keras'), join(dir, 'f.h5')), /legacy \.h5 files are read only/);
  await assert.rejects(convertModel(join(dir, 'f.onnx'), join(dir, 'g.keras')), /ONNX files cannot be loaded/);
  await convertModel(join(dir, 'f.keras'), join(dir, 'tfjs'));
  const x = randomInput(2, [28, 28, 1], 4);
  assert.deepEqual(predictBits(await loadModelFile(join(dir, 'tfjs')), x), predictBits(model, x));
  await assert.rejects(convertModel(join(dir, 'nope.keras'), join(dir, 'x.onnx')), /nope\.keras: file not found/);
}));

test('convert: a PyTorch .pt state dict goes into a built-in or file architecture; a Sequential model writes one', () => withTempDir(async (dir) => {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const { mnistCnn } = await import('../models/mnist-cnn.js');
  const { readFixture, SHIPPED_FIXTURES } = await import('../io/torch/torch-test-util.js');
  const model = mnistCnn({ seed: 4 });
  const x = randomInput(2, [28, 28, 1], 5);
  const { saveModelFile } = await import('../node/io/model-formats.js');
  await saveModelFile(model, join(dir, 'cnn.pt'));
  const report = await convertModel(join(dir, 'cnn.pt'), join(dir, 'cnn-tfjs'), { architecture: 'mnist-cnn' });
  assert.match(report, /cnn\.pt \(PyTorch state dict \(\.pt, \.pth; weights only, PyTorch names\)\) -> .*cnn-tfjs/);
  assert.deepEqual(predictBits(await loadModelFile(join(dir, 'cnn-tfjs')), x), predictBits(model, x));
  // The fixture real torch wrote, into an architecture read from a TensorFlow.js folder.
  writeFileSync(join(dir, 'small.pth'), readFixture(SHIPPED_FIXTURES, 'small-cnn').bytes);
  await saveModel(smallCnn(99), join(dir, 'small-arch'));
  await convertModel(join(dir, 'small.pth'), join(dir, 'small.keras'), { architecture: join(dir, 'small-arch') });
  assert.ok(readFileSync(join(dir, 'small.keras')).byteLength > 0);
  await assert.rejects(convertModel(join(dir, 'cnn.pt'), join(dir, 'x.keras')), /cnn\.pt: a \.pt file holds weights only; give the model architecture/);
  await assert.rejects(convertModel(join(dir, 'cnn.pt'), join(dir, 'x.keras'), { architecture: 'lenet9' }), /--architecture 'lenet9' is neither a model file nor a built-in model \(mnist-cnn\)/);
}));
