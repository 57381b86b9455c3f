// Its own file (own process): garbage from other tests must not be collected mid-measurement.
// Batches a Dataset makes are made outside the step's scope: they are reclaimed when unreachable,
// which memory() does at once with the Node entry's collector (installed by importing node.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { engine, memory } from '../backend/engine.js';
import '../node.js';
import { Callback } from '../callbacks/callback.js';
import { Dataset } from '../data/dataset.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { Flatten } from '../layers/flatten.js';
import { MaxPooling2D } from '../layers/max-pooling2d.js';
import { imageDatasetFromDirectory } from '../node/data/image-dataset.js';
import { writeShapesFolder } from '../node/data/shapes-folder-test-util.js';
import { withTempDir } from '../node/temp-dir-test-util.js';
import { Sequential } from './sequential.js';
import { BAR_SIZE, barImages } from './test-data.js';

class Count extends Callback {
  readonly counts: { tensors: number; handles: number }[] = [];
  override onEpochEnd(): void {
    const m = memory();
    this.counts.push({ tensors: m.tensors, handles: m.handles });
  }
}

function cnn(inputShape: [number, number, number], classes: number): Sequential {
  const model = new Sequential({ seed: 1 });
  model.add(new Conv2D(4, 3, { activation: 'relu', inputShape }));
  model.add(new MaxPooling2D(2));
  model.add(new Flatten());
  model.add(new Dense(classes, { activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

test('training from a shuffled, batched, prefetched Dataset holds memory flat across epochs, no dispose', async () => {
  const model = cnn([BAR_SIZE, BAR_SIZE, 1], 2);
  const { x, y } = barImages(40, 2);
  const data = Dataset.fromTensors([x, y]).shuffle(40, { seed: 1 }).batch(8).prefetch(2);
  const count = new Count();
  await model.fit(data, { epochs: 4, validationData: Dataset.fromTensors([x, y]).batch(10), verbose: 0, callbacks: [count] });
  for (const c of count.counts.slice(1)) assert.deepEqual(c, count.counts[0]);
});

test('training from an image folder (decoded per batch) holds memory flat across epochs', async () => {
  await withTempDir('dsmem', async (dir) => {
    writeShapesFolder(dir, { perClass: 8, seed: 1, minSide: 10, maxSide: 20 });
    const data = imageDatasetFromDirectory(dir, { imageSize: [12, 12], colorMode: 'grayscale', labelMode: 'categorical', batchSize: 6, seed: 1, verbose: false });
    const model = cnn([12, 12, 1], 3);
    const count = new Count();
    await model.fit(data, { epochs: 4, verbose: 0, callbacks: [count] });
  for (const c of count.counts.slice(1)) assert.deepEqual(c, count.counts[0]);
  });
});

/** Live storage handles on the backend at each batch end, counted without reclaiming garbage first. */
class HandlesAtBatchEnd extends Callback {
  readonly handles: number[] = [];
  override onTrainBatchEnd(): void {
    this.handles.push(engine.backend.memory().handles);
  }
}

test("fit gives back a folder dataset's batches after each step: live handles do not grow between garbage collections", async () => {
  await withTempDir('dsrelease', async (dir) => {
    writeShapesFolder(dir, { perClass: 20, seed: 1, minSide: 10, maxSide: 20 });
    // No prefetch beyond the dataset's own, one batch in flight: the count at each batch end is the same.
    const data = imageDatasetFromDirectory(dir, { imageSize: [12, 12], colorMode: 'grayscale', labelMode: 'categorical', batchSize: 4, seed: 1, verbose: false });
    const model = cnn([12, 12, 1], 3);
    const count = new HandlesAtBatchEnd();
    await model.fit(data, { epochs: 1, verbose: 0, callbacks: [count] });
    assert.equal(count.handles.length, 15);
    // Without the release each batch end holds one more image and label tensor than the last
    // (garbage only a full collection gives back).
    for (const h of count.handles.slice(2)) assert.equal(h, count.handles[1]);
  });
});

test('fit leaves the batches of a dataset that does not hand them over alone (the caller may still hold them)', async () => {
  const { x, y } = barImages(8, 2);
  const model = cnn([BAR_SIZE, BAR_SIZE, 1], 2);
  await model.fit(Dataset.fromArray([[x, y]]), { epochs: 2, verbose: 0 });
  assert.equal(x.dataSync().length, 8 * BAR_SIZE * BAR_SIZE);
  assert.equal(y.shape[0], 8);
});
