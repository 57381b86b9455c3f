import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DType } from '../../tensor/dtype.js';
import { cast } from './Cast.js';
import { assertTensor, tensor as t } from './kernel-test-util.js';
import { dataOf } from './storage.js';

test('Cast: float32 -> int32 truncates toward zero; NaN -> 0; out of range saturates', () => {
  const x = t([1.9, -1.9, 0.5, -0.5, 3, NaN, 1e10, -1e10], [8]);
  assertTensor(cast({ x }, { dtype: 'int32' }), [8], [1, -1, 0, 0, 3, 0, 2147483647, -2147483648], 'int32');
});

test('Cast: int32 -> float32, rank 0, shape kept', () => {
  assertTensor(cast({ x: t([-3, 0, 7, 16777217], [2, 2], 'int32') }, { dtype: 'float32' }), [2, 2], [-3, 0, 7, 16777216]);
  assertTensor(cast({ x: t([2.5], []) }, { dtype: 'int32' }), [], [2], 'int32');
});

test('Cast: same dtype still returns new storage', () => {
  const x = t([1, 2], [2]);
  const y = cast({ x }, { dtype: 'float32' });
  assert.notEqual(dataOf(y), dataOf(x));
  assertTensor(y, [2], [1, 2]);
  const xi = t([1, 2], [2], 'int32');
  assert.notEqual(dataOf(cast({ x: xi }, { dtype: 'int32' })), dataOf(xi));
});

test('Cast: unknown dtype throws', () => {
  assert.throws(() => cast({ x: t([1], [1]) }, { dtype: 'float64' as DType }), /Cast: dtype must be 'float32' or 'int32', got 'float64'/);
});
