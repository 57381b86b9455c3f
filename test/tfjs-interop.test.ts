/**
 * Interop with TensorFlow.js (a devDependency): a model saved by Fovea loads in tfjs and predicts
 * the same on 100 MNIST test images, and a model built and saved by tfjs loads in Fovea with the
 * same predictions (max abs difference <= 1e-5 both ways). The same for functional models (a
 * residual block with two branches; two inputs, two outputs and a shared layer). Skipped when tfjs
 * is not installed.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import '../src/backend/engine.js';
import { loadMnist } from '../src/data/mnist.js';
import { bits, randomInput, residualTwoBranch, twoInTwoOut } from '../src/io/io-test-util.js';
import { fromFiles, fromMemory, intoFiles } from '../src/io/memory-handlers.js';
import { loadModel, saveModel } from '../src/io/model-io.js';
import type { ModelArtifacts } from '../src/io/types.js';
import { Model } from '../src/models/functional.js';
import { mnistCnn } from '../src/models/mnist-cnn.js';
import '../src/node/io/file-system.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { Sequential } from '../src/models/sequential.js';

// A variable specifier keeps tsc from requiring the package's types when it is not installed.
const TFJS = '@tensorflow/tfjs';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let tf: any = null;
try {
  tf = await import(TFJS);
  tf.setBackend('cpu');
} catch {
  tf = null;
}
const skip = tf === null ? `${TFJS} is not installed: add it as a devDependency to check TensorFlow.js interop` : false;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function mnistImages(): Tensor {
  return loadMnist({ limitTrain: 1, limitTest: 100 }).testImages;
}

/** A tfjs IOHandler over Fovea's model.json + shards, reading them the way tfjs reads files. */
function tfjsHandlerFor(files: Map<string, Uint8Array>): unknown {
  const json = JSON.parse(new TextDecoder().decode(files.get('model.json')));
  const specs = json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
  const parts = json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => files.get(p) as Uint8Array));
  const data = new Uint8Array(parts.reduce((n: number, p: Uint8Array) => n + p.byteLength, 0));
  parts.reduce((at: number, p: Uint8Array) => (data.set(p, at), at + p.byteLength), 0);
  return tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData: data.buffer, format: json.format, generatedBy: json.generatedBy });
}

test('a model saved by Fovea loads in TensorFlow.js and predicts the same on 100 MNIST images', { skip }, async () => {
  const model = mnistCnn({ seed: 3 });
  const files = new Map<string, Uint8Array>();
  await saveModel(model, intoFiles(files), { shardSizeBytes: 64 * 1024 });
  const tfModel = await tf.loadLayersModel(tfjsHandlerFor(files));
  const x = mnistImages();
  const ours = model.predict(x).dataSync();
  const theirs = tfModel.predict(tf.tensor(x.dataSync(), x.shape)).dataSync();
  const diff = maxAbsDiff(ours, theirs);
  assert.ok(diff <= 1e-5, `max abs diff ${diff}`);
});

test('a model built and saved by TensorFlow.js loads in Fovea and predicts the same', { skip }, async () => {
  tf.util.seedrandom?.('fovea');
  const tfModel = tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 32, activation: 'tanh' }),
    tf.layers.dense({ units: 10, activation: 'softmax' }),
  ] });
  let artifacts: ModelArtifacts | null = null;
  await tfModel.save(tf.io.withSaveHandler(async (a: ModelArtifacts) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const model = await loadModel(fromMemory(artifacts as unknown as ModelArtifacts));
  assert.ok(model instanceof Sequential);
  const x = mnistImages();
  const ours = model.predict(x).dataSync();
  const theirs = tfModel.predict(tf.tensor(x.dataSync(), x.shape)).dataSync();
  const diff = maxAbsDiff(ours, theirs);
  assert.ok(diff <= 1e-5, `max abs diff ${diff}`);
  // And through Fovea's own files again: the re-saved model predicts identically.
  const files = new Map<string, Uint8Array>();
  await saveModel(model, intoFiles(files));
  const again = await loadModel(fromFiles(files));
  assert.ok(again instanceof Sequential);
  assert.equal(maxAbsDiff(again.predict(x).dataSync(), ours), 0);
});

test('a model folder saved by Fovea (shard names carrying the save id) loads in TensorFlow.js over HTTP', { skip }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fovea-tfjs-'));
  // tfjs's http loader fetches model.json, then each shard path relative to it, as a browser would.
  const server = createServer((req, res) => {
    readFile(join(dir, basename(req.url ?? ''))).then((bytes) => res.end(bytes), () => res.writeHead(404).end());
  });
  try {
    const model = mnistCnn({ seed: 4 });
    await saveModel(mnistCnn({ seed: 5 }), dir, { shardSizeBytes: 64 * 1024 });
    await saveModel(model, dir, { shardSizeBytes: 64 * 1024 }); // a second save replaces the first set
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const tfModel = await tf.loadLayersModel(`http://127.0.0.1:${(server.address() as AddressInfo).port}/model.json`);
    const x = mnistImages();
    const diff = maxAbsDiff(model.predict(x).dataSync(), tfModel.predict(tf.tensor(x.dataSync(), x.shape)).dataSync());
    assert.ok(diff <= 1e-5, `max abs diff ${diff}`);
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

const outputsOf = (y: unknown): Tensor[] => (Array.isArray(y) ? y : [y]) as Tensor[];

/** Fovea's model saved as files, loaded by tfjs; every output compared on `x` (within 1e-5). */
async function assertTfjsPredictsSame(model: Model, x: Tensor[]): Promise<void> {
  const files = new Map<string, Uint8Array>();
  await saveModel(model, intoFiles(files), { shardSizeBytes: 1024 });
  const tfModel = await tf.loadLayersModel(tfjsHandlerFor(files));
  const tfx = x.map((t) => tf.tensor(t.dataSync(), t.shape));
  const theirs = outputsOf(tfModel.predict(tfx.length === 1 ? tfx[0] : tfx));
  const ours = outputsOf(model.predict(x.length === 1 ? x[0] : x));
  assert.equal(theirs.length, ours.length);
  ours.forEach((y, i) => {
    assert.deepEqual(theirs[i].shape, y.shape);
    const diff = maxAbsDiff(y.dataSync(), theirs[i].dataSync());
    assert.ok(diff <= 1e-5, `output ${i}: max abs diff ${diff}`);
  });
  // And Fovea reads its own files back bit for bit.
  const again = await loadModel(fromFiles(files));
  assert.ok(again instanceof Model);
  const mine = outputsOf(again.predict(x.length === 1 ? x[0] : x));
  ours.forEach((y, i) => assert.deepEqual(bits(mine[i].dataSync()), bits(y.dataSync()), `output ${i}`));
}

test('a functional model with a residual Add and two branches, saved by Fovea, predicts the same in TensorFlow.js', { skip }, async () => {
  await assertTfjsPredictsSame(residualTwoBranch(6), [randomInput(16, [8, 8, 2], 4)]);
});

test('a functional model with two inputs, two outputs and a shared layer, saved by Fovea, predicts the same in TensorFlow.js', { skip }, async () => {
  await assertTfjsPredictsSame(twoInTwoOut(5), [randomInput(16, [8, 8, 1], 4), randomInput(16, [3], 5)]);
});

test('a functional model built and saved by TensorFlow.js loads in Fovea and predicts the same', { skip }, async () => {
  tf.util.seedrandom?.('fovea-functional');
  const image = tf.input({ shape: [8, 8, 2] });
  const meta = tf.input({ shape: [3] });
  const stem = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(image);
  const branch = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(stem);
  const pooled = tf.layers.globalAveragePooling2d({}).apply(tf.layers.add().apply([stem, branch]));
  const shared = tf.layers.dense({ units: 5, activation: 'tanh' });
  const joined = tf.layers.concatenate().apply([shared.apply(tf.layers.dense({ units: 3 }).apply(pooled)), shared.apply(meta)]);
  const outputs = [tf.layers.dense({ units: 3, activation: 'softmax' }).apply(joined), tf.layers.dense({ units: 1 }).apply(joined)];
  const tfModel = tf.model({ inputs: [image, meta], outputs });
  let artifacts: ModelArtifacts | null = null;
  await tfModel.save(tf.io.withSaveHandler(async (a: ModelArtifacts) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const model = await loadModel(fromMemory(artifacts as unknown as ModelArtifacts));
  assert.ok(model instanceof Model, `loaded a ${model.constructor.name}`);
  const x = [randomInput(16, [8, 8, 2], 8), randomInput(16, [3], 9)];
  const ours = outputsOf(model.predict(x));
  const theirs = outputsOf(tfModel.predict(x.map((t) => tf.tensor(t.dataSync(), t.shape))));
  assert.equal(ours.length, 2);
  ours.forEach((y, i) => {
    const diff = maxAbsDiff(y.dataSync(), theirs[i].dataSync());
    assert.ok(diff <= 1e-5, `output ${i}: max abs diff ${diff}`);
  });
  await assertTfjsPredictsSame(model, x);
});
