import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertTensor, tensor as t } from './kernel-test-util.js';
import { oneHot } from './OneHot.js';

test('OneHot: labels to float32 rows; out-of-range gives zeros', () => {
  // -1 and 3 sit where a missing range check would write into a neighbouring row.
  const indices = t([0, -1, 2, 3, 1], [5], 'int32');
  assertTensor(oneHot({ indices }, { depth: 3 }), [5, 3], [1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
});

test('OneHot: any index shape, rank 0, depth 0', () => {
  assertTensor(oneHot({ indices: t([1, 0], [2, 1], 'int32') }, { depth: 2 }), [2, 1, 2], [0, 1, 1, 0]);
  assertTensor(oneHot({ indices: t([2], [], 'int32') }, { depth: 4 }), [4], [0, 0, 1, 0]);
  assertTensor(oneHot({ indices: t([0], [1], 'int32') }, { depth: 0 }), [1, 0], []);
});

test('OneHot: float indices or bad depth throw', () => {
  assert.throws(() => oneHot({ indices: t([1], [1]) }, { depth: 3 }), /OneHot: indices dtype must be 'int32', got float32/);
  assert.throws(() => oneHot({ indices: t([1], [1], 'int32') }, { depth: 2.5 }), /OneHot: depth must be a non-negative integer, got 2.5/);
});
