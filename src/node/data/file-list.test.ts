import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CHUNK_BYTES, FileListBuilder } from './file-list.js';

const FILES = 50_000;
/** Names as a generated shapes folder has them: 'triangle/triangle-01234.png' (27 bytes). */
const nameOf = (i: number) => `${['circle', 'square', 'triangle'][i % 3]}/${['circle', 'square', 'triangle'][i % 3]}-${String(i).padStart(5, '0')}.png`;

test('50,000 files cost their names\' bytes plus 4 bytes each, in buffers of at most 64 KiB, not an object per file', () => {
  const b = new FileListBuilder();
  for (let i = 0; i < FILES; i++) b.add(nameOf(i));
  const files = b.finish('/data/shapes');
  const nameBytes = Array.from({ length: FILES }, (_, i) => nameOf(i).length).reduce((a, n) => a + n, 0);
  assert.equal(files.length, FILES);
  // Chunks end where the next name no longer fits: under 1% of the names' bytes unused.
  assert.ok(files.bytesHeld() >= nameBytes + 4 * FILES && files.bytesHeld() < 1.01 * (nameBytes + 4 * FILES), `${files.bytesHeld()} bytes held`);
  // At most 32 bytes of bookkeeping per file beyond the name: strings per file cost over 100.
  assert.ok(files.bytesHeld() / FILES < 27 + 32, `${(files.bytesHeld() / FILES).toFixed(1)} bytes a file`);
  // No buffer reaches glibc's 128 KiB mmap threshold (freeing one would raise it for every thread).
  assert.ok(files.largestBuffer() <= CHUNK_BYTES && CHUNK_BYTES < 128 * 1024, `largest buffer ${files.largestBuffer()} bytes`);
  for (const i of [0, 1, 2_426, 2_427, 2_428, 12_345, 16_383, 16_384, 16_385, 49_999]) assert.equal(files.name(i), nameOf(i), `name ${i}`);
  assert.equal(files.path(49_999), join('/data/shapes', nameOf(49_999)));
});

test('names across chunk boundaries, and a name longer than a chunk, read back whole', () => {
  const b = new FileListBuilder();
  const names = Array.from({ length: 3000 }, (_, i) => (i === 1500 ? 'x'.repeat(CHUNK_BYTES + 10) : `${'é'.repeat(i % 40)}${i % 7 === 0 ? '\u{1F600}\uD800' : ''}-${i}.png`));
  for (const n of names) b.add(n);
  const files = b.finish('/x');
  // A lone surrogate is written as U+FFFD, as TextEncoder writes it.
  names.forEach((n, i) => assert.equal(files.name(i), n.replace('\uD800', '\uFFFD'), `name ${i}`));
  assert.equal(files.largestBuffer(), CHUNK_BYTES + 10);
});

test('measured: holding the list of 50,000 files costs under 40 bytes a file of heap and buffers (an array of path strings measured 45-190)', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const heldBytes = () => {
    gc();
    gc();
    return getHeapStatistics().used_heap_size + process.memoryUsage().arrayBuffers;
  };
  const build = () => {
    const b = new FileListBuilder();
    for (let i = 0; i < FILES; i++) b.add(nameOf(i));
    return b.finish('/data/shapes');
  };
  const before = heldBytes();
  // Only the finished list is still reachable (the builder's growing buffers are not).
  const files = build();
  const perFile = (heldBytes() - before) / FILES;
  assert.equal(files.length, FILES);
  assert.ok(perFile < 40, `${perFile.toFixed(1)} bytes a file`);
});

test('names: non-ASCII round trip, byte order is code point order (Python\'s sorted), empty names refused, index checked', () => {
  const b = new FileListBuilder();
  for (const n of ['b.png', 'é.png', 'a.png', '\u{1F600}.png', '\uFFFD.png', 'A.png']) b.add(n);
  const files = b.finish('/x');
  assert.equal(files.name(1), 'é.png');
  assert.equal(files.name(3), '\u{1F600}.png');
  assert.deepEqual(Array.from(files.sortedOrder(), (i) => files.name(i)), ['A.png', 'a.png', 'b.png', 'é.png', '\uFFFD.png', '\u{1F600}.png']);
  const prefixed = new FileListBuilder();
  prefixed.add(new TextEncoder().encode('cats/'), files.nameBytes(1));
  assert.equal(prefixed.finish('/x').name(0), 'cats/é.png');
  assert.throws(() => new FileListBuilder().add(''), /FileListBuilder\.add: a file name is empty/);
  assert.throws(() => files.name(6), /FileList: index 6 is outside the 6 files/);
});
