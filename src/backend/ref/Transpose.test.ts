import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertTensor, tensor as t } from './kernel-test-util.js';
import { transpose } from './Transpose.js';

test('Transpose: 2-D and identity', () => {
  const x = t([1, 2, 3, 4, 5, 6], [2, 3]);
  assertTensor(transpose({ x }, { perm: [1, 0] }), [3, 2], [1, 4, 2, 5, 3, 6]);
  assertTensor(transpose({ x }, { perm: [0, 1] }), [2, 3], [1, 2, 3, 4, 5, 6]);
});

test('Transpose: NHWC -> NCHW on a rank-4 int32 tensor, and back', () => {
  // x[n, h, w, c] = 1000n + 100h + 10w + c, shape [2, 2, 3, 2]
  const vals: number[] = [];
  for (let n = 0; n < 2; n++) for (let h = 0; h < 2; h++) for (let w = 0; w < 3; w++) for (let c = 0; c < 2; c++) vals.push(1000 * n + 100 * h + 10 * w + c);
  const x = t(vals, [2, 2, 3, 2], 'int32');
  const y = transpose({ x }, { perm: [0, 3, 1, 2] });
  const expected: number[] = [];
  for (let n = 0; n < 2; n++) for (let c = 0; c < 2; c++) for (let h = 0; h < 2; h++) for (let w = 0; w < 3; w++) expected.push(1000 * n + 100 * h + 10 * w + c);
  assertTensor(y, [2, 2, 2, 3], expected, 'int32');
  assertTensor(transpose({ x: y }, { perm: [0, 2, 3, 1] }), [2, 2, 3, 2], vals, 'int32');
});

test('Transpose: rank 0 and empty', () => {
  assertTensor(transpose({ x: t([7], []) }, { perm: [] }), [], [7]);
  assertTensor(transpose({ x: t([], [0, 2]) }, { perm: [1, 0] }), [2, 0], []);
});

test('Transpose: bad perm throws naming expected and actual', () => {
  const x = t([1, 2, 3, 4], [2, 2]);
  assert.throws(() => transpose({ x }, { perm: [0] }), /Transpose: perm must be a permutation of \[0, 2\).*got \[0\]/);
  assert.throws(() => transpose({ x }, { perm: [1, 1] }), /got \[1, 1\]/);
  assert.throws(() => transpose({ x }, { perm: [0, 2] }), /got \[0, 2\]/);
});
