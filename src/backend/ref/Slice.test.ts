import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertTensor, tensor as t } from './kernel-test-util.js';
import { slice } from './Slice.js';

const x = t([...Array(24).keys()], [2, 3, 4]);

test('Slice: a box from a rank-3 tensor', () => {
  assertTensor(slice({ x }, { begin: [1, 1, 2], size: [1, 2, 2] }), [1, 2, 2], [18, 19, 22, 23]);
  assertTensor(slice({ x }, { begin: [0, 2, 0], size: [2, 1, 4] }), [2, 1, 4], [8, 9, 10, 11, 20, 21, 22, 23]);
});

test('Slice: size -1 runs to the end; empty and full slices; int32; rank 0', () => {
  assertTensor(slice({ x }, { begin: [1, 2, 1], size: [-1, -1, -1] }), [1, 1, 3], [21, 22, 23]);
  assertTensor(slice({ x }, { begin: [0, 0, 4], size: [2, 3, 0] }), [2, 3, 0], []);
  assertTensor(slice({ x: t([1, 2, 3], [3], 'int32') }, { begin: [0], size: [3] }), [3], [1, 2, 3], 'int32');
  assertTensor(slice({ x: t([5], []) }, { begin: [], size: [] }), [], [5]);
});

test('Slice: wrong rank or out-of-range box throws naming the values', () => {
  assert.throws(() => slice({ x }, { begin: [0, 0], size: [1, 1, 1] }), /Slice: begin must be of length 3.*got \[0, 0\]/);
  assert.throws(() => slice({ x }, { begin: [0, 0, 0], size: [1, 1] }), /Slice: size must be of length 3/);
  assert.throws(() => slice({ x }, { begin: [0, 0, 3], size: [1, 1, 2] }), /Slice: begin\/size on axis 2.*\[0, 4\].*begin 3, size 2/);
  assert.throws(() => slice({ x }, { begin: [-1, 0, 0], size: [1, 1, 1] }), /axis 0/);
});
