/**
 * A training step leaves little in V8's old generation: what lands there stays until the next full
 * collection, so the longer an epoch the larger V8's heap settles, and a folder epoch's peak RSS grew
 * with the folder's size (issue 14). small-cnn on a 32x32x3 batch of 64 with Adam (the folder
 * bench's step), on the wasm backend: ~41 KB per step before rss-v8 (the wasm heap's Map indexes
 * rebuilt in old space, a collector registration per optimizer swap and the young objects those
 * dead cells kept), ~2 KB after; one registration per swap alone brings back ~7 KB.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../src/node.js';
import { oldGenerationBytesPerCall } from '../src/node/old-generation-test-util.js';
import { tensor } from '../src/ops/create.js';
import { Random } from '../src/tensor/random.js';
import { smallCnn } from '../src/zoo/small-cnn.js';

test('a small-cnn training step puts under 5 KB in V8\'s old generation', () => {
  const rng = new Random(1);
  const x = tensor(Float32Array.from({ length: 64 * 32 * 32 * 3 }, () => rng.next() * 255), [64, 32, 32, 3]);
  const y = tensor(Int32Array.from({ length: 64 }, () => rng.int(3)), [64], 'int32');
  const model = smallCnn([32, 32, 3], 3, { seed: 1 });
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
  const bytes = oldGenerationBytesPerCall(() => model.trainOnBatch(x, y), 200, 50);
  assert.ok(bytes < 5 * 1024, `${(bytes / 1024).toFixed(1)} KB of old generation per step`);
});
