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
import { BENCH_MODELS, benchProgram } from '../src/cli/bench-models.js';
import { toCategorical } from '../src/data/to-categorical.js';
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

/**
 * A PyTorch-style step runs outside any step scope, so the collector watches every tensor it makes.
 * V8's young-generation collector keeps each registered object alive with all it references: when a
 * tensor registered itself, its gradient graph survived every scavenge into the old generation
 * (LeNet-5: 20-23 KB per step); a small token registered instead leaves 10-12 KB, and parameters
 * owning their gradients without registrations of their own 8-9 KB; 7 KB with 18 registrations
 * per step, 3 KB with one (nn-lean2: the loss; Sequential 1.5-2 KB).
 */
test('an unscoped nn training step (LeNet-5) puts under 6 KB in V8\'s old generation', () => {
  const rng = new Random(2);
  const program = benchProgram(BENCH_MODELS.lenet5, 'nn', 1).program;
  const x = tensor(Float32Array.from({ length: 64 * 28 * 28 }, () => rng.next()), [64, 28, 28, 1]);
  const batch = program.prepare(x, toCategorical(Int32Array.from({ length: 64 }, (_, i) => i % 10), 10));
  const bytes = oldGenerationBytesPerCall(() => program.trainStep(...batch), 200, 50);
  assert.ok(bytes < 6 * 1024, `${(bytes / 1024).toFixed(1)} KB of old generation per step`);
});
