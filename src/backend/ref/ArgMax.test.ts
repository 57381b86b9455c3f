import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argMax } from './ArgMax.js';
import { assertTensor, tensor as t } from './kernel-test-util.js';

const x = t([1, 5, 2, 7, 0, 7], [2, 3]);

test('ArgMax: along each axis, axis removed, int32 output', () => {
  assertTensor(argMax({ x }, { axis: 1 }), [2], [1, 0], 'int32');
  assertTensor(argMax({ x }, { axis: 0 }), [3], [1, 0, 1], 'int32');
  assertTensor(argMax({ x }, { axis: -1 }), [2], [1, 0], 'int32');
});

test('ArgMax: first index wins ties; middle axis of a rank-3 tensor', () => {
  assertTensor(argMax({ x: t([3, 3, 1], [3]) }, { axis: 0 }), [], [0], 'int32');
  assertTensor(argMax({ x: t([-1, -1], [2]) }, { axis: 0 }), [], [0], 'int32');
  // [2, 3, 2]: per (batch, col) the row of the max.
  const y = t([0, 9, 5, 1, 2, 3, 4, 4, 8, 4, 1, 9], [2, 3, 2]);
  assertTensor(argMax({ x: y }, { axis: 1 }), [2, 2], [1, 0, 1, 2], 'int32');
});

test('ArgMax: int32 input, NaN wins like NumPy', () => {
  assertTensor(argMax({ x: t([1, 9, 9], [3], 'int32') }, { axis: 0 }), [], [1], 'int32');
  assertTensor(argMax({ x: t([1, NaN, 9, NaN], [4]) }, { axis: 0 }), [], [1], 'int32');
});

test('ArgMax: bad axis or empty axis throws', () => {
  assert.throws(() => argMax({ x }, { axis: 2 }), /ArgMax: axis 2 is out of range for a tensor of rank 2/);
  assert.throws(() => argMax({ x: t([], [2, 0]) }, { axis: 1 }), /ArgMax.*length > 0.*\[2, 0\]/);
});
