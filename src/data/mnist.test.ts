import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { engine } from '../backend/engine.js';
import { createRefBackend } from '../backend/ref/ref-backend.js';
import { type Mnist, loadMnist, MNIST_FILES } from './mnist.js';

if (!engine.backendNames().includes('ref')) engine.registerBackend('ref', createRefBackend, 1);

function histogram(labels: ArrayLike<number>): number[] {
  const h = new Array(10).fill(0);
  for (let i = 0; i < labels.length; i++) h[labels[i]]++;
  return h;
}

/** A tiny IDX file: uint8, given shape, values 0, 1, 2, ... mod 256. */
function writeIdx(path: string, shape: number[]): void {
  const header = [0, 0, 8, shape.length];
  for (const d of shape) header.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  const n = shape.reduce((a, b) => a * b, 1);
  writeFileSync(path, Uint8Array.from([...header, ...Array.from({ length: n }, (_, i) => i % 256)]));
}

describe('loadMnist (full data set)', () => {
  let mnist: Mnist;
  before(() => {
    mnist = loadMnist();
  });

  it('gives NHWC float32 images and int32 labels of the right sizes', () => {
    assert.deepEqual(mnist.trainImages.shape, [60000, 28, 28, 1]);
    assert.deepEqual(mnist.trainLabels.shape, [60000]);
    assert.deepEqual(mnist.testImages.shape, [10000, 28, 28, 1]);
    assert.deepEqual(mnist.testLabels.shape, [10000]);
    assert.equal(mnist.trainImages.dtype, 'float32');
    assert.equal(mnist.trainLabels.dtype, 'int32');
  });

  it('scales pixels to [0, 1], using the whole range', () => {
    const px = mnist.testImages.dataSync();
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of px) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    assert.equal(lo, 0);
    assert.equal(hi, 1);
  });

  it('has the known label histograms', () => {
    const train = histogram(mnist.trainLabels.dataSync());
    const test = histogram(mnist.testLabels.dataSync());
    assert.equal(train[1], 6742);
    assert.equal(test[1], 1135);
    assert.equal(train.reduce((a, b) => a + b), 60000);
    assert.ok(train.every((c) => c > 5000), `every digit is common in training: ${train}`);
  });
});

describe('loadMnist options and errors', () => {
  it('keeps only the first examples with limitTrain / limitTest', () => {
    const full = loadMnist({ limitTrain: 60000, limitTest: 10000 });
    const small = loadMnist({ limitTrain: 100, limitTest: 7 });
    assert.deepEqual(small.trainImages.shape, [100, 28, 28, 1]);
    assert.deepEqual(small.testLabels.shape, [7]);
    assert.deepEqual([...small.testLabels.dataSync()], [...full.testLabels.dataSync().slice(0, 7)]);
    assert.deepEqual([...small.trainImages.dataSync()], [...full.trainImages.dataSync().slice(0, 100 * 784)]);
  });

  it('rejects a non-positive limit', () => {
    assert.throws(() => loadMnist({ limitTrain: 0 }), /loadMnist: limitTrain must be a positive integer, got 0/);
  });

  describe('with a folder of hand-made files', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'fovea-mnist-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('reports images and labels whose counts differ', () => {
      writeIdx(join(dir, MNIST_FILES.trainImages), [3, 2, 2]);
      writeIdx(join(dir, MNIST_FILES.trainLabels), [4]);
      writeIdx(join(dir, MNIST_FILES.testImages), [1, 2, 2]);
      writeIdx(join(dir, MNIST_FILES.testLabels), [1]);
      assert.throws(() => loadMnist({ dir }), /train-images-idx3-ubyte holds 3 images but train-labels-idx1-ubyte holds 4 labels/);
    });

    it('reads small images of any size', () => {
      writeIdx(join(dir, MNIST_FILES.trainLabels), [3]);
      const m = loadMnist({ dir });
      assert.deepEqual(m.trainImages.shape, [3, 2, 2, 1]);
      assert.deepEqual([...m.testImages.dataSync()].map((v) => Math.round(v * 255)), [0, 1, 2, 3]);
    });

    it('names a missing file', () => {
      rmSync(join(dir, MNIST_FILES.testLabels));
      assert.throws(() => loadMnist({ dir }), /cannot read .*t10k-labels-idx1-ubyte/);
    });
  });
});
