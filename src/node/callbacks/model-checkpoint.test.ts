import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Logs } from '../../callbacks/callback.js';
import { linearData, tinyModel, weightValues } from '../../callbacks/callback-test-util.js';
import { LambdaCallback } from '../../callbacks/lambda-callback.js';
import { loadModel } from '../../io/model-io.js';
import { entryValues, readSafetensors } from '../../io/safetensors.js';
import { Dense } from '../../layers/dense.js';
import { Sequential } from '../../models/sequential.js';
import { loadModelFile } from '../io/model-formats.js';
import { ModelCheckpoint } from './model-checkpoint.js';
import { withTempDir } from '../temp-dir-test-util.js';

const withDir = (run: (dir: string) => Promise<void>) => withTempDir('ckpt', run);

function fileWeights(bytes: Uint8Array): number[][] {
  // A copy: entryValues slices its bytes, and a Node Buffer's slice is a view into a shared pool.
  return [...readSafetensors(new Uint8Array(bytes)).tensors.values()].map((e) => Array.from(entryValues(e).values));
}

test('ModelCheckpoint formats file names from epoch and logs and writes each epoch\'s weights', () => withDir(async (dir) => {
  const { x, y } = linearData(24);
  const model = tinyModel(5);
  const perEpoch: number[][][] = [];
  const ckpt = new ModelCheckpoint(join(dir, 'ckpt-{epoch:02d}-{val_loss:.3f}.safetensors'), { saveWeightsOnly: true });
  const h = await model.fit(x, y, {
    epochs: 3, batchSize: 6, verbose: 0, validationSplit: 0.25,
    callbacks: [ckpt, new LambdaCallback({ onEpochEnd: () => { perEpoch.push(weightValues(model)); } })],
  });
  const expected = h.history.val_loss.map((v, i) => `ckpt-0${i + 1}-${v.toFixed(3)}.safetensors`);
  assert.deepEqual((await readdir(dir)).sort(), expected.sort());
  for (let i = 0; i < 3; i++) assert.deepEqual(fileWeights(await readFile(join(dir, expected[i]))), perEpoch[i], `epoch ${i + 1}`);
  // A weights file loads back into the model (by weight name).
  const { loadSafetensorsInto } = await import('../io/model-formats.js');
  loadSafetensorsInto(model, new Uint8Array(await readFile(join(dir, expected[0]))), expected[0]);
  assert.deepEqual(weightValues(model), perEpoch[0]);
}));

test('saveBestOnly saves only epochs that improve the monitored value (min and max)', () => withDir(async (dir) => {
  const { x, y } = linearData(16);
  const scores = [3, 1, 2, 0.5, 0.7];
  const inject = new LambdaCallback({ onEpochEnd: (epoch: number, logs?: Logs) => { if (logs) logs.score = scores[epoch]; } });
  const low = new ModelCheckpoint(join(dir, 'low-{epoch}.safetensors'), { monitor: 'score', saveBestOnly: true, saveWeightsOnly: true });
  const high = new ModelCheckpoint(join(dir, 'high-{epoch}-{score:.1f}.safetensors'), { monitor: 'score', mode: 'max', saveBestOnly: true, saveWeightsOnly: true });
  await tinyModel(6).fit(x, y, { epochs: 5, batchSize: 8, verbose: 0, callbacks: [inject, low, high] });
  assert.deepEqual(low.saved.map((p) => p.slice(dir.length + 1)), ['low-1.safetensors', 'low-2.safetensors', 'low-4.safetensors']);
  assert.deepEqual(high.saved.map((p) => p.slice(dir.length + 1)), ['high-1-3.0.safetensors']);
  assert.equal(low.best, 0.5);
  assert.equal((await readdir(dir)).length, 4);
}));

test('checkpoints are written atomically: a concurrent reader only ever sees whole files, and no temp files remain', () => withDir(async (dir) => {
  const { x, y } = linearData(64);
  // A wider model, so each file spans several kilobytes.
  const model = new Sequential({ seed: 2, layers: [new Dense(512, { inputShape: [2], activation: 'tanh' }), new Dense(1)] });
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const path = join(dir, 'latest.safetensors');
  let reads = 0;
  let done = false;
  const reader = (async () => {
    while (!done) {
      const bytes = await readFile(path).catch((e: NodeJS.ErrnoException) => { if (e.code === 'ENOENT') return null; throw e; });
      if (bytes !== null) {
        readSafetensors(new Uint8Array(bytes), path); // throws on a partial file
        reads++;
      }
      await new Promise((r) => setImmediate(r));
    }
  })();
  try {
    await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, callbacks: [new ModelCheckpoint(path, { saveWeightsOnly: true, saveFreq: 2 })] });
  } finally {
    done = true;
    await reader;
  }
  assert.ok(reads > 3, `the reader ran during training (${reads} reads)`);
  assert.deepEqual(await readdir(dir), ['latest.safetensors']);
  assert.deepEqual(fileWeights(await readFile(path)), weightValues(model));
}));

test('full-model checkpoints: a layers-format folder per saveFreq batches (with the optimizer) and a .keras archive', () => withDir(async (dir) => {
  const { x, y } = linearData(16);
  const model = tinyModel(8);
  // With metrics: a model compiled without any cannot be loaded back yet (compile takes [] as zero per-output lists).
  model.compile({ optimizer: model.optimizer ?? 'sgd', loss: 'mse', metrics: ['mae'] });
  const folders = new ModelCheckpoint(join(dir, 'model-{epoch}-{batch:03d}'), { saveFreq: 3 });
  const archive = new ModelCheckpoint(join(dir, 'best.keras'), { monitor: 'loss', saveBestOnly: true });
  await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [folders, archive] });
  // 4 batches per epoch, a save every 3 batches counted across epochs: epoch 1 batch 3, epoch 2 batch 2.
  assert.deepEqual(folders.saved.map((p) => p.slice(dir.length + 1)), ['model-1-003', 'model-2-002']);
  const loaded = await loadModel(join(dir, 'model-2-002'));
  assert.equal(loaded.optimizer?.iterations, 6, 'the optimizer state was saved with the model');
  const fromKeras = await loadModelFile(join(dir, 'best.keras'));
  assert.deepEqual(weightValues(fromKeras), weightValues(model));
  assert.ok((await readdir(dir)).every((n) => !n.endsWith('.tmp')));
}));

test('ModelCheckpoint rejects mismatched options and unknown template fields', async () => {
  assert.throws(() => new ModelCheckpoint('w.bin', { saveWeightsOnly: true }), /must end in \.safetensors/);
  assert.throws(() => new ModelCheckpoint('w.safetensors'), /holds weights only/);
  assert.throws(() => new ModelCheckpoint('m.keras', { saveFreq: 0 }), /saveFreq must be 'epoch' or an integer >= 1/);
  assert.throws(() => new ModelCheckpoint('m-{acc:.2f}.keras').filePathFor(0, null, { loss: 1 }), /failed to format the filepath 'm-\{acc:.2f\}.keras'.*\{acc\}/);
});
