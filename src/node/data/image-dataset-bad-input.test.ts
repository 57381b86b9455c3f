import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import '../../backend/engine.js';
import { withTempDir } from '../temp-dir-test-util.js';
import { imageDatasetFromDirectory } from './image-dataset.js';
import { writeShapesFolder } from './shapes-folder-test-util.js';

const quiet = { verbose: false, imageSize: [8, 8] as [number, number] };

/** A shapes folder of 2 images per class (PNG files first: circle-00000 is a grey PNG, square-00001 a JPEG). */
async function withShapes(run: (dir: string) => Promise<void>): Promise<void> {
  await withTempDir('imgbad', async (dir) => {
    writeShapesFolder(dir, { perClass: 2, seed: 1, minSide: 8, maxSide: 12 });
    await run(dir);
  });
}

test('a truncated PNG or JPEG stops the load (before any training), naming the file and what is wrong', async () => {
  await withShapes(async (dir) => {
    const png = readFileSync(join(dir, 'circle', 'circle-00000.png'));
    writeFileSync(join(dir, 'circle', 'circle-00000.png'), png.subarray(0, png.length - 20));
    assert.throws(() => imageDatasetFromDirectory(dir, quiet), /imageDatasetFromDirectory: circle\/circle-00000\.png: truncated PNG: the file does not end with an IEND chunk/);
    writeFileSync(join(dir, 'circle', 'circle-00000.png'), png);
    const jpg = readFileSync(join(dir, 'square', 'square-00001.jpg'));
    writeFileSync(join(dir, 'square', 'square-00001.jpg'), jpg.subarray(0, jpg.length / 2));
    assert.throws(() => imageDatasetFromDirectory(dir, quiet), /square\/square-00001\.jpg: truncated JPEG: no end-of-image marker/);
  });
});

test('a PNG corrupt inside (complete header and ending) fails its batch with the file and the decoder\'s reason', async () => {
  await withShapes(async (dir) => {
    const path = join(dir, 'circle', 'circle-00000.png');
    const png = readFileSync(path);
    const idat = png.indexOf('IDAT');
    png.fill(0x55, idat + 4, idat + 14);
    writeFileSync(path, png);
    const data = imageDatasetFromDirectory(dir, { ...quiet, shuffle: false });
    await assert.rejects(data.toArray(), /imageDatasetFromDirectory: circle\/circle-00000\.png: cannot be decoded as PNG: .+/);
  });
});

test('files that are not images, GIF and BMP files, and empty files are refused by name', async () => {
  await withShapes(async (dir) => {
    writeFileSync(join(dir, 'circle', 'x.gif'), Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'));
    assert.throws(() => imageDatasetFromDirectory(dir, quiet), /circle\/x\.gif: is a GIF file; Fovea decodes PNG and JPEG only/);
    writeFileSync(join(dir, 'circle', 'x.gif'), 'not an image');
    assert.throws(() => imageDatasetFromDirectory(dir, quiet), /circle\/x\.gif: not an image: the bytes start with no PNG, JPEG, GIF or BMP signature/);
    writeFileSync(join(dir, 'circle', 'x.gif'), '');
    assert.throws(() => imageDatasetFromDirectory(dir, quiet), /circle\/x\.gif: is empty/);
  });
});

test('folders: an empty class folder, no images, no sub-folders, not a folder', async () => {
  await withShapes(async (dir) => {
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'empty', 'notes.txt'), 'no images here');
    assert.throws(() => imageDatasetFromDirectory(dir, quiet), /class folder 'empty' holds no images \(\.bmp, \.gif, \.jpeg, \.jpg, \.png\)/);
  });
  await withTempDir('imgbad', async (dir) => {
    writeFileSync(join(dir, 'readme.txt'), 'x');
    assert.throws(() => imageDatasetFromDirectory(dir, quiet), /has no sub-folders; with labels inferred/);
    assert.throws(() => imageDatasetFromDirectory(dir, { ...quiet, labels: null }), /holds no images \(allowed: \.bmp, \.gif, \.jpeg, \.jpg, \.png\)/);
    assert.throws(() => imageDatasetFromDirectory(join(dir, 'readme.txt'), quiet), /readme\.txt: is not a readable folder/);
    assert.throws(() => imageDatasetFromDirectory(join(dir, 'missing'), quiet), /missing: is not a readable folder/);
  });
});

test('Keras argument rules: validationSplit with shuffle needs a seed; split and subset together; labels must match the files', async () => {
  await withShapes(async (dir) => {
    assert.throws(() => imageDatasetFromDirectory(dir, { ...quiet, validationSplit: 0.5, subset: 'training' }), /with validationSplit and shuffle, give a seed/);
    assert.doesNotThrow(() => imageDatasetFromDirectory(dir, { ...quiet, validationSplit: 0.5, subset: 'training', shuffle: false }));
    assert.throws(() => imageDatasetFromDirectory(dir, { ...quiet, validationSplit: 0.5, seed: 1 }), /give validationSplit and subset together/);
    assert.throws(() => imageDatasetFromDirectory(dir, { ...quiet, validationSplit: 1.5, subset: 'both', seed: 1 }), /validationSplit must be between 0 and 1, got 1\.5/);
    assert.throws(() => imageDatasetFromDirectory(dir, { ...quiet, validationSplit: 0.1, subset: 'both', seed: 1 }), /validationSplit 0\.1 of 6 files leaves no file for validation/);
    assert.throws(() => imageDatasetFromDirectory(dir, { ...quiet, labels: [0, 1, 2] }), /labels has 3 values but the folder holds 6 image files/);
    assert.throws(() => imageDatasetFromDirectory(dir, { ...quiet, labels: [0, 1, 2, 0, 1, 2], classNames: ['a', 'b', 'c'] }), /classNames can only be given with labels 'inferred'/);
    assert.throws(() => imageDatasetFromDirectory(dir, { ...quiet, classNames: ['circle', 'hexagon'] }), /classNames must name distinct sub-folders of the folder; not found: hexagon/);
    assert.throws(() => imageDatasetFromDirectory(dir, { ...quiet, batchSize: 0 }), /batchSize must be a positive integer or null, got 0/);
    assert.throws(() => imageDatasetFromDirectory(dir, { ...quiet, imageSize: [8, 0] }), /imageSize must be \[height, width\] of positive integers/);
    assert.throws(() => imageDatasetFromDirectory(dir, { ...quiet, interpolation: 'bicubic' as 'nearest' }), /interpolation must be 'bilinear' or 'nearest'/);
    const given = imageDatasetFromDirectory(dir, { ...quiet, labels: [2, 0, 1, 1, 0, 2], shuffle: false, batchSize: 6 });
    const [[, y]] = (await given.toArray()) as [unknown, { dataSync(): Int32Array }][];
    assert.deepEqual(Array.from(y.dataSync()), [2, 0, 1, 1, 0, 2]);
  });
});

test('untrusted files: a FIFO is refused without blocking, a symlink leaving the folder is refused, size and pixel caps hold', async () => {
  await withShapes(async (dir) => {
    await withTempDir('imgout', async (outside) => {
      writeFileSync(join(outside, 'secret.png'), readFileSync(join(dir, 'circle', 'circle-00000.png')));
      symlinkSync(join(outside, 'secret.png'), join(dir, 'circle', 'link.png'));
      assert.throws(() => imageDatasetFromDirectory(dir, quiet), /circle\/link\.png: resolves to .*secret\.png, outside the folder/);
    });
  });
  await withShapes(async (dir) => {
    execFileSync('mkfifo', [join(dir, 'square', 'pipe.png')]);
    assert.throws(() => imageDatasetFromDirectory(dir, quiet), /square\/pipe\.png: is not a regular file/);
  });
  await withShapes(async (dir) => {
    assert.throws(() => imageDatasetFromDirectory(dir, { ...quiet, maxPixels: 50 }), /circle\/circle-00000\.png: is \d+x\d+ pixels, more than maxPixels \(50\)/);
    assert.throws(() => imageDatasetFromDirectory(dir, { ...quiet, maxFileBytes: 100 }), /circle\/circle-00000\.png: holds \d+ bytes, more than maxFileBytes \(100\)/);
  });
});
