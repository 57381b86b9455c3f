import assert from 'node:assert/strict';
import { linkSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodePng } from '../image-io.js';
import { withTempDir } from '../temp-dir-test-util.js';
import { CHUNK_BYTES } from './file-list.js';
import { indexImageFolder } from './image-folder-index.js';

const PER_CLASS = 5_000;

test('the index of 10,000 files holds under 40 bytes a file, in no buffer of 128 KiB or more (freeing one would raise glibc\'s mmap threshold for every thread)', async () => {
  await withTempDir('index-memory', async (dir) => {
    const png = join(dir, 'one.png');
    writeFileSync(png, encodePng({ width: 2, height: 2, data: new Uint8ClampedArray(16).fill(255) }));
    const root = join(dir, 'folder');
    for (const c of ['cats', 'dogs']) {
      mkdirSync(join(root, c), { recursive: true });
      // Hard links: 10,000 real files in a moment, each a valid PNG.
      for (let i = 0; i < PER_CLASS; i++) linkSync(png, join(root, c, `${c}-${String(i).padStart(5, '0')}.png`));
    }
    const index = indexImageFolder(root, { labels: 'inferred', maxPixels: 1e6, maxFileBytes: 1e6 });
    assert.equal(index.files.length, 2 * PER_CLASS);
    assert.equal(index.files.name(PER_CLASS + 7), join('dogs', 'dogs-00007.png'));
    assert.equal(index.labels?.[PER_CLASS - 1], 0);
    assert.equal(index.labels?.[PER_CLASS], 1);
    // Names are 'cats/cats-01234.png' (19 bytes), plus 4 for where each ends.
    const perFile = index.files.bytesHeld() / index.files.length;
    assert.ok(perFile < 40, `${perFile.toFixed(1)} bytes a file`);
    assert.ok(index.files.largestBuffer() <= CHUNK_BYTES, `largest buffer ${index.files.largestBuffer()} bytes`);
  });
});
