// loadIdxDataset on generated IDX sets: raw and .gz files, MNIST's and EMNIST's naming, the
// prefix choice, transposed images, and truncated or mismatched files named in the error.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import '../backend/engine.js';
import { loadIdxDataset } from './idx-dataset.js';
import { withTempDir } from './temp-dir-test-util.js';

function idx(shape: number[], values: (i: number) => number): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = new Uint8Array(4 + 4 * shape.length + count);
  const view = new DataView(bytes.buffer);
  bytes[2] = 0x08;
  bytes[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < count; i++) bytes[4 + 4 * shape.length + i] = values(i);
  return bytes;
}

async function writeSet(dir: string, prefix: string, testName: string, gz: boolean, n = 4, labels = (i: number) => i % 3): Promise<void> {
  const write = (name: string, bytes: Uint8Array) => writeFile(join(dir, `${prefix}${name}${gz ? '.gz' : ''}`), gz ? gzipSync(bytes) : bytes);
  await write('train-images-idx3-ubyte', idx([n, 2, 3], (i) => i));
  await write('train-labels-idx1-ubyte', idx([n], labels));
  await write(`${testName}-images-idx3-ubyte`, idx([2, 2, 3], (i) => 255 - i));
  await write(`${testName}-labels-idx1-ubyte`, idx([2], (i) => i));
}

test('a Fashion-MNIST-like folder of .gz files loads as [N, rows, cols, 1] in [0, 1]', async () => {
  await withTempDir('idx', async (dir) => {
    await writeSet(dir, '', 't10k', true);
    const d = loadIdxDataset(dir);
    assert.deepEqual(d.trainImages.shape, [4, 2, 3, 1]);
    assert.deepEqual(d.testImages.shape, [2, 2, 3, 1]);
    assert.deepEqual(Array.from(d.trainImages.dataSync().slice(0, 3)), [0, Math.fround(1 / 255), Math.fround(2 / 255)]);
    assert.deepEqual(Array.from(d.trainLabels.dataSync()), [0, 1, 2, 0]);
    assert.equal(d.numClasses, 3);
    assert.equal(d.files.trainImages, 'train-images-idx3-ubyte.gz');
    assert.equal(loadIdxDataset(dir, { limitTrain: 2, numClasses: 10 }).trainImages.shape[0], 2);
  });
});

test("EMNIST's naming: several sets need a prefix; transpose makes images row-major", async () => {
  await withTempDir('idx', async (dir) => {
    await writeSet(dir, 'emnist-letters-', 'test', false, 4, (i) => i + 1);
    await writeSet(dir, 'emnist-digits-', 'test', true);
    assert.throws(() => loadIdxDataset(dir), /holds several IDX sets; choose one with prefix: 'emnist-digits-', 'emnist-letters-'/);
    const letters = loadIdxDataset(dir, { prefix: 'emnist-letters-', transpose: true });
    assert.equal(letters.numClasses, 5);
    assert.deepEqual(letters.trainImages.shape, [4, 3, 2, 1]);
    // Image 0 was [[0, 1, 2], [3, 4, 5]]; transposed [[0, 3], [1, 4], [2, 5]].
    assert.deepEqual(Array.from(letters.trainImages.dataSync().slice(0, 6)).map((v) => Math.round(v * 255)), [0, 3, 1, 4, 2, 5]);
    assert.throws(() => loadIdxDataset(dir, { prefix: 'kmnist-' }), /has no IDX set with prefix 'kmnist-'; found 'emnist-digits-', 'emnist-letters-'/);
  });
});

test('truncated, mismatched and missing files give errors naming them', async () => {
  await withTempDir('idx', async (dir) => {
    await writeSet(dir, '', 't10k', false);
    const images = join(dir, 'train-images-idx3-ubyte');
    await writeFile(images, idx([4, 2, 3], (i) => i).subarray(0, 20));
    assert.throws(() => loadIdxDataset(dir), new RegExp(`${images}: truncated: expected 40 bytes for shape \\[4, 2, 3\\] of uint8, got 20`));
    await writeFile(images, idx([5, 2, 3], (i) => i));
    assert.throws(() => loadIdxDataset(dir), /loadIdxDataset: train-images-idx3-ubyte holds 5 images but train-labels-idx1-ubyte holds 4 labels/);
    await writeFile(images, idx([4, 2, 3], (i) => i));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), idx([4], () => 9));
    assert.throws(() => loadIdxDataset(dir, { numClasses: 5 }), /train-labels-idx1-ubyte: label #0 is 9, outside the 5 classes 0-4/);
  });
  await withTempDir('idx', async (dir) => {
    await writeSet(dir, '', 't10k', true);
    await writeFile(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idx([4, 2, 3], (i) => i)).subarray(0, 25));
    assert.throws(() => loadIdxDataset(dir), /loadIdxDataset: .*train-images-idx3-ubyte\.gz is not a complete gzip file/);
  });
  await withTempDir('idx', async (dir) => {
    await writeFile(join(dir, 'train-images-idx3-ubyte'), idx([1, 1, 1], () => 0));
    assert.throws(() => loadIdxDataset(dir), /the set '' in .* lacks its trainLabels, testImages, testLabels files/);
    assert.throws(() => loadIdxDataset(join(dir, 'none')), /loadIdxDataset: cannot list/);
  });
});
