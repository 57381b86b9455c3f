// CIFAR-10's binary batches, generated small: layout (label, R plane, G plane, B plane -> NHWC),
// class names, limits, and truncated or corrupt files named in the error.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import '../backend/engine.js';
import { CIFAR10_RECORD_BYTES } from '../data/cifar10.js';
import { CIFAR10_TEST_FILE, CIFAR10_TRAIN_FILES, loadCifar10 } from './cifar10.js';
import { withTempDir } from './temp-dir-test-util.js';

/** One record: label, then pixel p of plane c is (seed + 3p + c) mod 256. */
function record(label: number, seed: number): Uint8Array {
  const r = new Uint8Array(CIFAR10_RECORD_BYTES);
  r[0] = label;
  for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) r[1 + c * 1024 + p] = (seed + 3 * p + c) % 256;
  return r;
}

async function writeBatches(dir: string, perBatch: number): Promise<void> {
  const batch = (b: number) => Buffer.concat(Array.from({ length: perBatch }, (_, i) => record((b * perBatch + i) % 10, b * 100 + i)));
  for (const [b, file] of CIFAR10_TRAIN_FILES.entries()) await writeFile(join(dir, file), batch(b));
  await writeFile(join(dir, CIFAR10_TEST_FILE), batch(7));
}

test('loadCifar10 reads the five training batches and the test batch as NHWC with class names', async () => {
  await withTempDir('cifar', async (dir) => {
    await writeBatches(dir, 3);
    await writeFile(join(dir, 'batches.meta.txt'), 'plane\ncar\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n');
    const c = loadCifar10(dir);
    assert.deepEqual(c.trainImages.shape, [15, 32, 32, 3]);
    assert.deepEqual(c.testImages.shape, [3, 32, 32, 3]);
    assert.deepEqual(Array.from(c.trainLabels.dataSync()), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4]);
    assert.equal(c.classNames[1], 'car');
    // Image 4 is batch 1's record 1 (seed 101): pixel (0, 1) = plane values at p = 1.
    const px = Array.from(c.trainImages.dataSync().slice((4 * 1024 + 1) * 3, (4 * 1024 + 1) * 3 + 3));
    assert.deepEqual(px.map((v) => Math.round(v * 255)), [104, 105, 106]);
    const raw = loadCifar10(dir, { scale: false, limitTrain: 4, limitTest: 1 });
    assert.deepEqual(raw.trainImages.shape, [4, 32, 32, 3]);
    assert.deepEqual(raw.testImages.shape, [1, 32, 32, 3]);
    assert.deepEqual(Array.from(raw.testImages.dataSync().slice(0, 3)), [700 % 256, 701 % 256, 702 % 256]);
    assert.deepEqual(raw.classNames, c.classNames);
  });
});

test('without batches.meta.txt the published names are used', async () => {
  await withTempDir('cifar', async (dir) => {
    await writeBatches(dir, 1);
    assert.deepEqual(loadCifar10(dir).classNames, ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']);
  });
});

test('a truncated batch, a bad label, a missing file and a bad meta file are named', async () => {
  await withTempDir('cifar', async (dir) => {
    await writeBatches(dir, 2);
    const file = join(dir, 'data_batch_3.bin');
    await writeFile(file, Buffer.concat([record(1, 0), record(2, 0).subarray(0, 1000)]));
    assert.throws(() => loadCifar10(dir), new RegExp(`loadCifar10: ${file}: not a CIFAR-10 binary batch: expected a positive multiple of 3073 bytes .* got 4073 \\(1 whole records and 1000 bytes over: truncated\\?\\)`));
    await writeFile(file, Buffer.concat([record(1, 0), record(12, 0)]));
    assert.throws(() => loadCifar10(dir), /data_batch_3\.bin: label #1 is 12, outside the 10 classes 0-9/);
    await writeFile(file, record(1, 0));
    await writeFile(join(dir, 'batches.meta.txt'), 'cat\ndog\n');
    assert.throws(() => loadCifar10(dir), /batches\.meta\.txt: expected 10 class names, one a line, got 2/);
    await writeFile(join(dir, 'batches.meta.txt'), 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n');
    assert.equal(loadCifar10(dir).trainImages.shape[0], 9);
    assert.throws(() => loadCifar10(join(dir, 'nowhere')), /loadCifar10: cannot read .*nowhere\/data_batch_1\.bin/);
    assert.throws(() => loadCifar10(dir, { limitTrain: 0 }), /limitTrain must be a positive integer, got 0/);
  });
});
