import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import '../../backend/engine.js';
import type { Tensor } from '../../tensor/tensor.js';
import { withTempDir } from '../temp-dir-test-util.js';
import { imageDatasetFromDirectory } from './image-dataset.js';
import { writeShapesFolder } from './shapes-folder-test-util.js';

const quiet = { verbose: false } as const;

/** A PNG of `width` x `height` whose every pixel is `rgba`. */
function solidPng(width: number, height: number, rgba: [number, number, number, number]): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) png.data.set(rgba, i * 4);
  return PNG.sync.write(png);
}

/** Every file under `dir` with its size and modification time. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).sort().map((f) => {
    const s = statSync(join(dir, f));
    return `${f} ${s.size} ${s.mtimeMs}`;
  });
}

async function batches(d: AsyncIterable<unknown>): Promise<[Tensor, Tensor][]> {
  const out: [Tensor, Tensor][] = [];
  for await (const b of d) out.push(b as [Tensor, Tensor]);
  return out;
}

test('labels, order and shapes as Keras: classes from sorted sub-folders, files sorted, int32 labels, 0..255 pixels', async () => {
  await withTempDir('imgds', async (dir) => {
    writeShapesFolder(dir, { perClass: 3, seed: 2 });
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => lines.push(line);
    let data;
    try {
      data = imageDatasetFromDirectory(dir, { imageSize: [8, 10], batchSize: 4, shuffle: false });
    } finally {
      console.log = log;
    }
    assert.deepEqual(lines, ['Found 9 files belonging to 3 classes.']);
    assert.deepEqual(data.classNames, ['circle', 'square', 'triangle']);
    assert.deepEqual(data.filePaths.map((p) => p.slice(dir.length + 1)), ['circle/circle-00000.png', 'circle/circle-00001.png', 'circle/circle-00002.png',
      'square/square-00000.jpg', 'square/square-00001.png', 'square/square-00002.png', 'triangle/triangle-00000.png', 'triangle/triangle-00001.jpg', 'triangle/triangle-00002.png']);
    assert.equal(data.cardinality(), 3);
    const got = await batches(data);
    assert.deepEqual(got.map(([x, y]) => [x.shape, y.dtype, Array.from(y.dataSync())]), [
      [[4, 8, 10, 3], 'int32', [0, 0, 0, 1]], [[4, 8, 10, 3], 'int32', [1, 1, 2, 2]], [[1, 8, 10, 3], 'int32', [2]],
    ]);
    const pixels = got.flatMap(([x]) => Array.from(x.dataSync()));
    assert.ok(Math.min(...pixels) >= 0 && Math.max(...pixels) <= 255 && Math.max(...pixels) > 1, 'pixels are 0..255, not rescaled');
  });
});

test('labelMode categorical, binary and null; batchSize null gives single images', async () => {
  await withTempDir('imgds', async (dir) => {
    writeShapesFolder(dir, { perClass: 2, seed: 3 });
    const [[, cat]] = await batches(imageDatasetFromDirectory(dir, { ...quiet, imageSize: [4, 4], labelMode: 'categorical', shuffle: false, batchSize: 6 }));
    assert.deepEqual([cat.shape, Array.from(cat.dataSync())], [[6, 3], [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1]]);
    assert.throws(() => imageDatasetFromDirectory(dir, { ...quiet, labelMode: 'binary' }), /labelMode 'binary' needs exactly 2 classes, found 3 \(circle, square, triangle\)/);
    const two = imageDatasetFromDirectory(dir, { ...quiet, imageSize: [4, 4], labelMode: 'binary', classNames: ['triangle', 'circle'], shuffle: false });
    assert.deepEqual(two.classNames, ['triangle', 'circle']);
    const [[, bin]] = await batches(two);
    assert.deepEqual([bin.shape, bin.dtype, Array.from(bin.dataSync())], [[4, 1], 'float32', [0, 0, 1, 1]]);
    const lines: string[] = [];
    const unlabelled = imageDatasetFromDirectory(dir, { imageSize: [4, 4], labelMode: null, log: (l) => lines.push(l) });
    assert.deepEqual(lines, ['Found 6 files.']);
    assert.deepEqual(unlabelled.classNames, []);
    const images = await unlabelled.toArray();
    assert.deepEqual((images as unknown as Tensor[]).map((t) => t.shape), [[6, 4, 4, 3]]);
    const single = await imageDatasetFromDirectory(dir, { ...quiet, imageSize: [4, 5], batchSize: null }).toArray();
    assert.equal(single.length, 6);
    assert.deepEqual((single[0] as Tensor[]).map((t) => t.shape), [[4, 5, 3], []]);
  });
});

test('colour modes convert every file: grey to RGB repeats, RGB to grey is luma, RGBA keeps alpha; crop and pad to the aspect ratio', async () => {
  await withTempDir('imgds', async (dir) => {
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', '1.png'), solidPng(4, 2, [200, 100, 0, 128]));
    const first = async (o: object) => (await batches(imageDatasetFromDirectory(dir, { ...quiet, imageSize: [2, 2], shuffle: false, ...o })))[0][0];
    const grey = await first({ colorMode: 'grayscale' });
    assert.deepEqual(grey.shape, [1, 2, 2, 1]);
    assert.ok(Math.abs(grey.dataSync()[0] - (0.299 * 200 + 0.587 * 100)) < 1e-3);
    assert.deepEqual(Array.from((await first({ colorMode: 'rgba' })).dataSync().slice(0, 4)), [200, 100, 0, 128]);
    assert.deepEqual(Array.from((await first({ colorMode: 'rgb' })).dataSync().slice(0, 3)), [200, 100, 0]);
    // 4 wide x 2 high into 2 x 2: padding adds one zero row above and below (4 x 4), then halves: rows average the border in.
    const padded = Array.from((await first({ colorMode: 'grayscale', padToAspectRatio: true })).dataSync());
    const luma = 0.299 * 200 + 0.587 * 100;
    padded.forEach((v) => assert.ok(Math.abs(v - luma / 2) < 1e-3, `padded value ${v}`));
    const cropped = Array.from((await first({ colorMode: 'grayscale', cropToAspectRatio: true })).dataSync());
    cropped.forEach((v) => assert.ok(Math.abs(v - luma) < 1e-3));
    assert.throws(() => imageDatasetFromDirectory(dir, { ...quiet, cropToAspectRatio: true, padToAspectRatio: true }), /only one of padToAspectRatio and cropToAspectRatio/);
  });
});

test('a seeded split: training and validation are disjoint and cover the folder; training reshuffles each pass, validation (both) does not', async () => {
  await withTempDir('imgds', async (dir) => {
    writeShapesFolder(dir, { perClass: 4, seed: 4, minSide: 8, maxSide: 12 });
    const [train, val] = imageDatasetFromDirectory(dir, { ...quiet, imageSize: [4, 4], validationSplit: 0.25, subset: 'both', seed: 9, batchSize: 1 });
    assert.equal(train.filePaths.length, 9);
    assert.equal(val.filePaths.length, 3);
    assert.equal(new Set([...train.filePaths, ...val.filePaths]).size, 12);
    const again = imageDatasetFromDirectory(dir, { ...quiet, imageSize: [4, 4], validationSplit: 0.25, subset: 'validation', seed: 9, shuffle: true });
    assert.deepEqual(again.filePaths, val.filePaths, 'the same seed gives the same split');
    const labelsOf = async (d: AsyncIterable<unknown>) => (await batches(d)).map(([, y]) => y.item());
    const [p1, p2] = [await labelsOf(train), await labelsOf(train)];
    assert.equal(p1.length, 9);
    const pixelsOf = async (d: AsyncIterable<unknown>) => (await batches(d)).map(([x]) => Array.from(x.dataSync()).join());
    assert.notDeepEqual(await pixelsOf(train), await pixelsOf(train), 'each pass over training is a new order');
    assert.deepEqual(await pixelsOf(val), await pixelsOf(val));
    assert.deepEqual([...p1].sort(), [...p2].sort());
  });
});

test('decoding on worker threads gives the same batches as on the main thread, pass after pass (reused slots never alias a batch)', async () => {
  await withTempDir('imgds', async (dir) => {
    writeShapesFolder(dir, { perClass: 4, seed: 5 });
    const onMain = imageDatasetFromDirectory(dir, { ...quiet, imageSize: [16, 16], batchSize: 5, seed: 1 });
    const onWorkers = imageDatasetFromDirectory(dir, { ...quiet, imageSize: [16, 16], batchSize: 5, seed: 1, workers: 2 });
    // Every batch of three passes is kept before any is compared: a tensor still viewing a reused slot would show later pixels.
    const main = [...await batches(onMain), ...await batches(onMain), ...await batches(onMain)];
    const workers = [...await batches(onWorkers), ...await batches(onWorkers), ...await batches(onWorkers)];
    assert.equal(workers.length, 9);
    workers.forEach(([x, y], i) => {
      assert.deepEqual(x.dataSync(), main[i][0].dataSync());
      assert.deepEqual(y.dataSync(), main[i][1].dataSync());
    });
  });
});

test('a generated folder of shapes trains a small CNN to >= 95% validation accuracy; the folder is left untouched', async () => {
  const { trainShapesModel } = await import('./shapes-training-test-util.js');
  await withTempDir('imgds', async (dir) => {
    writeShapesFolder(dir, { perClass: 100, seed: 1 });
    const before = snapshot(dir);
    const { valAccuracy, classNames } = await trainShapesModel(dir, { workers: 2 });
    assert.deepEqual(classNames, ['circle', 'square', 'triangle']);
    assert.ok(valAccuracy >= 0.95, `validation accuracy ${valAccuracy}`);
    assert.deepEqual(snapshot(dir), before);
  });
});
