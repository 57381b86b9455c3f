import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concat } from './Concat.js';
import { assertTensor, tensor as t } from './kernel-test-util.js';

const a = t([1, 2, 3, 4], [2, 2]);
const b = t([5, 6], [1, 2]);
const c = t([7, 8, 9, 10, 11, 12], [2, 3]);

test('Concat: along axis 0 and along the last axis (also as -1)', () => {
  assertTensor(concat({ xs: [a, b] }, { axis: 0 }), [3, 2], [1, 2, 3, 4, 5, 6]);
  assertTensor(concat({ xs: [a, c] }, { axis: 1 }), [2, 5], [1, 2, 7, 8, 9, 3, 4, 10, 11, 12]);
  assertTensor(concat({ xs: [c, a, a] }, { axis: -1 }), [2, 7], [7, 8, 9, 1, 2, 1, 2, 10, 11, 12, 3, 4, 3, 4]);
});

test('Concat: middle axis of rank 3, int32, single and empty inputs', () => {
  const p = t([1, 2, 3, 4], [2, 1, 2], 'int32');
  const q = t([5, 6, 7, 8], [2, 1, 2], 'int32');
  assertTensor(concat({ xs: [p, q] }, { axis: 1 }), [2, 2, 2], [1, 2, 5, 6, 3, 4, 7, 8], 'int32');
  assertTensor(concat({ xs: [a] }, { axis: 0 }), [2, 2], [1, 2, 3, 4]);
  assertTensor(concat({ xs: [t([], [0, 2]), b] }, { axis: 0 }), [1, 2], [5, 6]);
});

test('Concat: mismatched shapes, dtypes, axis or no inputs throw', () => {
  assert.throws(() => concat({ xs: [a, c] }, { axis: 0 }), /Concat: input 1 must match input 0 \[2, 2\] except on axis 0, got \[2, 3\]/);
  assert.throws(() => concat({ xs: [a, t([1, 2, 3, 4], [2, 2], 'int32')] }, { axis: 0 }), /Concat: input 1 must have dtype float32, got int32/);
  assert.throws(() => concat({ xs: [a, t([1, 2], [2])] }, { axis: 0 }), /Concat: input 1/);
  assert.throws(() => concat({ xs: [a] }, { axis: 2 }), /Concat: axis 2 is out of range/);
  assert.throws(() => concat({ xs: [] }, { axis: 0 }), /Concat: expected at least 1 input/);
});
