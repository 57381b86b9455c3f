import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertTensor, tensor as t } from './kernel-test-util.js';
import { where } from './Where.js';

test('Where: same shapes pick a where cond != 0', () => {
  const cond = t([1, 0, -2, 0], [4]);
  assertTensor(where({ cond, a: t([1, 2, 3, 4], [4]), b: t([9, 8, 7, 6], [4]) }, {}), [4], [1, 8, 3, 6]);
});

test('Where: broadcasts cond, a and b against each other', () => {
  // cond [2,1], a [3], b scalar -> [2,3]
  const out = where({ cond: t([1, 0], [2, 1]), a: t([1, 2, 3], [3]), b: t([-1], []) }, {});
  assertTensor(out, [2, 3], [1, 2, 3, -1, -1, -1]);
  // cond [3] row mask, a [2,1] column, b [2,3]
  const out2 = where({ cond: t([0, 1, 0], [3]), a: t([10, 20], [2, 1]), b: t([1, 2, 3, 4, 5, 6], [2, 3]) }, {});
  assertTensor(out2, [2, 3], [1, 10, 3, 4, 20, 6]);
});

test('Where: int32 values and int32 cond; rank 0', () => {
  const out = where({ cond: t([0, 3], [2], 'int32'), a: t([1, 2], [2], 'int32'), b: t([5, 6], [2], 'int32') }, {});
  assertTensor(out, [2], [5, 2], 'int32');
  assertTensor(where({ cond: t([0], []), a: t([1], []), b: t([2], []) }, {}), [], [2]);
});

test('Where: incompatible shapes or dtypes throw naming the shapes', () => {
  assert.throws(() => where({ cond: t([1, 0, 1], [3]), a: t([1, 2], [2]), b: t([1, 2], [2]) }, {}), /Where.*\[3\].*\[2\]/);
  assert.throws(() => where({ cond: t([1], [1]), a: t([1, 2], [2]), b: t([1, 2, 3], [3]) }, {}), /Where.*\[2\].*\[3\]/);
  assert.throws(() => where({ cond: t([1], [1]), a: t([1], [1]), b: t([1], [1], 'int32') }, {}), /Where.*float32.*int32/);
});
