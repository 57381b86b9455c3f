// A small CNN with Normalization and augmentation layers first: it learns with fit on synthetic
// shapes, prints its Normalization weights in the summary, and saves and loads in the TensorFlow.js
// format and as .keras with every preprocessing layer's config and the same predictions.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import '../../backend/engine.js';
import { fromFiles, intoFiles } from '../../io/memory-handlers.js';
import { loadModel } from '../../io/model-io.js';
import { exportOnnx } from '../../io/onnx/onnx-export.js';
import { Sequential } from '../../models/sequential.js';
import { loadModelFile, saveModelFile } from '../../node/io/model-formats.js';
import { withTempDir } from '../../node/temp-dir-test-util.js';
import { tensor } from '../../ops/create.js';
import { Random } from '../../tensor/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Conv2D } from '../conv2d.js';
import { Dense } from '../dense.js';
import { GlobalAveragePooling2D } from '../global-pooling2d.js';
import { MaxPooling2D } from '../max-pooling2d.js';
import {
  CenterCrop, Normalization, RandomBrightness, RandomContrast, RandomCrop, RandomFlip, RandomRotation, RandomTranslation, RandomZoom, Resizing,
} from './index.js';

const SIZE = 14;

/** Class 0: a filled square; class 1: a square outline; random size and place, on faint noise. */
function shapes(count: number, seed: number): { x: Tensor; y: Tensor } {
  const rng = new Random(seed);
  const pixels = new Float32Array(count * SIZE * SIZE);
  const labels = new Float32Array(count);
  for (let n = 0; n < count; n++) {
    const label = n % 2;
    const side = 5 + Math.floor(rng.next() * 4);
    const top = 2 + Math.floor(rng.next() * (SIZE - side - 3));
    const left = 2 + Math.floor(rng.next() * (SIZE - side - 3));
    for (let i = 0; i < SIZE * SIZE; i++) pixels[n * SIZE * SIZE + i] = rng.uniform(0, 0.1);
    for (let r = top; r < top + side; r++) {
      for (let c = left; c < left + side; c++) {
        const edge = r === top || c === left || r === top + side - 1 || c === left + side - 1;
        if (label === 0 || edge) pixels[(n * SIZE + r) * SIZE + c] = 0.9;
      }
    }
    labels[n] = label;
  }
  return { x: tensor(pixels, [count, SIZE, SIZE, 1]), y: tensor(labels, [count]) };
}

function augmentedCnn(train: Tensor): Sequential {
  const model = new Sequential({ seed: 3, name: 'augmented' });
  const norm = new Normalization({ inputShape: [SIZE, SIZE, 1] });
  norm.adapt(train);
  model.add(norm);
  model.add(new RandomFlip('horizontal_and_vertical', { seed: 1 }));
  model.add(new RandomRotation(0.05, { seed: 2 }));
  model.add(new RandomTranslation(0.1, 0.1, { seed: 3, fillMode: 'nearest' }));
  model.add(new RandomZoom(0.1, { seed: 4 }));
  model.add(new RandomContrast(0.1, { seed: 5, valueRange: [-5, 15] }));
  model.add(new RandomBrightness(0.02, { seed: 6, valueRange: [-5, 15] }));
  model.add(new Conv2D(8, 3, { activation: 'relu' }));
  model.add(new MaxPooling2D([2, 2]));
  model.add(new Conv2D(16, 3, { activation: 'relu' }));
  model.add(new GlobalAveragePooling2D());
  model.add(new Dense(2, { activation: 'softmax' }));
  return model;
}

test('a CNN with augmentation layers learns with fit; evaluation runs them as the identity', async (t) => {
  const train = shapes(240, 1);
  const test_ = shapes(100, 2);
  const model = augmentedCnn(train.x);
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const history = await model.fit(train.x, train.y, { epochs: 12, batchSize: 16, verbose: 0 });
  const losses = history.history.loss as number[];
  const [, accuracy] = model.evaluate(test_.x, test_.y, { verbose: 0 });
  t.diagnostic(`loss ${losses[0].toFixed(3)} -> ${losses[losses.length - 1].toFixed(3)}, held-out accuracy ${accuracy.toFixed(3)}`);
  assert.ok(losses[losses.length - 1] < losses[0] * 0.5, `loss ${losses[0]} -> ${losses[losses.length - 1]}`);
  assert.ok(accuracy >= 0.9, `test accuracy ${accuracy}`);
  // The same model predicts the same twice: nothing random at inference.
  assert.deepEqual(Array.from(model.predict(test_.x).dataSync() as Float32Array), Array.from(model.predict(test_.x).dataSync() as Float32Array));
});

test('summary counts Normalization mean, variance and count as non-trainable, as Keras', () => {
  const model = augmentedCnn(shapes(8, 1).x);
  const summary = model.summary(() => {});
  assert.match(summary, /normalization(_\d+)? \(Normalization\)\s+\(None, 14, 14, 1\)\s+3/);
  assert.match(summary, /random_flip(_\d+)? \(RandomFlip\)\s+\(None, 14, 14, 1\)\s+0/);
  assert.match(summary, /Non-trainable params: 3\n/);
});

/** Every preprocessing layer with non-default arguments, then a classifier. */
function everyLayer(): Sequential {
  const model = new Sequential({ seed: 4, name: 'every_layer' });
  model.add(new Resizing(12, 10, { inputShape: [9, 11, 3], interpolation: 'nearest', cropToAspectRatio: true }));
  model.add(new CenterCrop(11, 9));
  model.add(new RandomCrop(10, 8, { seed: 1 }));
  model.add(new RandomFlip('vertical', { seed: 2 }));
  model.add(new RandomRotation([-0.1, 0.2], { seed: 3, fillMode: 'wrap', fillValue: 1 }));
  model.add(new RandomZoom(0.2, { widthFactor: [-0.1, 0.3], interpolation: 'nearest', seed: 4 }));
  model.add(new RandomTranslation([-0.2, 0.1], 0.3, { fillMode: 'constant', fillValue: 2, seed: 5 }));
  model.add(new RandomContrast([0.1, 0.4], { valueRange: [0, 1], seed: 6 }));
  model.add(new RandomBrightness(0.2, { valueRange: [0, 1], seed: 7 }));
  const norm = new Normalization({ axis: -1 });
  model.add(norm);
  norm.adapt(tensor(Float32Array.from({ length: 4 * 10 * 8 * 3 }, (_, i) => (i % 17) / 17), [4, 10, 8, 3]));
  model.add(new Conv2D(2, 3));
  model.add(new GlobalAveragePooling2D());
  model.add(new Dense(2, { activation: 'softmax' }));
  return model;
}

// .keras keeps the input shape on its InputLayer, not on the first layer.
const configs = (m: Sequential) => m.layers.map((l) => JSON.stringify({ ...l.getConfig(), name: undefined, batchInputShape: undefined }));
const input = () => tensor(Float32Array.from({ length: 3 * 9 * 11 * 3 }, (_, i) => ((i * 7) % 13) / 13), [3, 9, 11, 3]);

test('every preprocessing layer saves and loads in the TensorFlow.js format: configs, weights, predictions', async () => {
  const model = everyLayer();
  const files = new Map<string, Uint8Array>();
  await model.save(intoFiles(files));
  const json = JSON.parse(new TextDecoder().decode(files.get('model.json')));
  const names = json.modelTopology.config.layers.map((l: { class_name: string }) => l.class_name);
  assert.deepEqual(names.slice(1, 11), ['Resizing', 'CenterCrop', 'RandomCrop', 'RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomTranslation', 'RandomContrast', 'RandomBrightness', 'Normalization']);
  assert.equal(json.modelTopology.config.layers[5].config.fill_mode, 'wrap');
  const loaded = (await loadModel(fromFiles(files))) as Sequential;
  assert.deepEqual(configs(loaded), configs(model));
  assert.deepEqual(Array.from(loaded.predict(input()).dataSync() as Float32Array), Array.from(model.predict(input()).dataSync() as Float32Array));
  const normWeights = loaded.layers[9].weights.map((w) => Array.from(w.dataSync()));
  assert.deepEqual(normWeights, model.layers[9].weights.map((w) => Array.from(w.dataSync())));
});

test('every preprocessing layer saves and loads as .keras', async () => {
  await withTempDir('augment-keras', async (dir) => {
    const model = everyLayer();
    const path = join(dir, 'every.keras');
    await saveModelFile(model, path);
    const loaded = (await loadModelFile(path)) as Sequential;
    assert.deepEqual(configs(loaded), configs(model));
    assert.deepEqual(Array.from(loaded.predict(input()).dataSync() as Float32Array), Array.from(model.predict(input()).dataSync() as Float32Array));
  });
});

test('ONNX export runs the augmentation layers as the identity and refuses the resampling ones by name', async () => {
  const plain = new Sequential({ name: 'onnx_augmented', layers: [
    new RandomFlip(undefined, { inputShape: [SIZE, SIZE, 1] }), new RandomRotation(0.1), new RandomZoom(0.1), new RandomTranslation(0.1, 0.1),
    new RandomContrast(0.1), new RandomBrightness(0.1), new Conv2D(2, 3), new GlobalAveragePooling2D(), new Dense(2),
  ] });
  assert.ok((await exportOnnx(plain)).length > 1000);
  await assert.rejects(exportOnnx(everyLayer()), /exportOnnx: layer 'resizing(_\d+)?' \(Resizing\) has no ONNX export/);
});
