import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertTensor, tensor as t, values } from './kernel-test-util.js';
import { reduce } from './Reduce.js';

// [[[0, 1, 2], [3, 4, 5]], [[6, 7, 8], [9, 10, 11]]]
const x = t([...Array(12).keys()], [2, 2, 3]);

test('Reduce: sum over single axes, with and without keepDims', () => {
  assertTensor(reduce({ x }, { op: 'sum', axes: [0], keepDims: false }), [2, 3], [6, 8, 10, 12, 14, 16]);
  assertTensor(reduce({ x }, { op: 'sum', axes: [1], keepDims: true }), [2, 1, 3], [3, 5, 7, 15, 17, 19]);
  assertTensor(reduce({ x }, { op: 'sum', axes: [2], keepDims: false }), [2, 2], [3, 12, 21, 30]);
});

test('Reduce: several axes and all axes', () => {
  assertTensor(reduce({ x }, { op: 'sum', axes: [0, 2], keepDims: false }), [2], [24, 42]);
  assertTensor(reduce({ x }, { op: 'sum', axes: [0, 1, 2], keepDims: false }), [], [66]);
  assertTensor(reduce({ x }, { op: 'max', axes: [0, 1, 2], keepDims: true }), [1, 1, 1], [11]);
  assertTensor(reduce({ x }, { op: 'min', axes: [1, 2], keepDims: false }), [2], [0, 6]);
  assertTensor(reduce({ x }, { op: 'max', axes: [0, 1], keepDims: false }), [3], [9, 10, 11]);
});

test('Reduce: no axes copies; rank 0 input', () => {
  assertTensor(reduce({ x: t([1, 2], [2]) }, { op: 'sum', axes: [], keepDims: false }), [2], [1, 2]);
  assertTensor(reduce({ x: t([5], []) }, { op: 'max', axes: [], keepDims: true }), [], [5]);
});

test('Reduce: int32 stays int32; max/min with negatives', () => {
  assertTensor(reduce({ x: t([-5, 3, -1, 7], [2, 2], 'int32') }, { op: 'sum', axes: [1], keepDims: false }), [2], [-2, 6], 'int32');
  assertTensor(reduce({ x: t([-5, -3, -1, -7], [4]) }, { op: 'max', axes: [0], keepDims: false }), [], [-1]);
  assertTensor(reduce({ x: t([5, 3, 1, 7], [4], 'int32') }, { op: 'min', axes: [0], keepDims: false }), [], [1], 'int32');
});

test('Reduce: sums accumulate in float64', () => {
  // 1e6 copies of 0.1 (float32): a float32 running sum drifts by ~1e3 ulps; float64 is exact to 1e-6.
  const n = 1_000_000;
  const out = values(reduce({ x: t(new Array(n).fill(0.1), [n]) }, { op: 'sum', axes: [0], keepDims: false }));
  assert.equal(out[0], Math.fround(Math.fround(0.1) * n));
});

test('Reduce: NaN propagates through max/min; empty axes give identities', () => {
  assert.ok(Number.isNaN(values(reduce({ x: t([1, NaN, 3], [3]) }, { op: 'max', axes: [0], keepDims: false }))[0]));
  assert.ok(Number.isNaN(values(reduce({ x: t([NaN, 1], [2]) }, { op: 'min', axes: [0], keepDims: false }))[0]));
  assertTensor(reduce({ x: t([], [2, 0]) }, { op: 'sum', axes: [1], keepDims: false }), [2], [0, 0]);
  assertTensor(reduce({ x: t([], [0, 2]) }, { op: 'max', axes: [0], keepDims: false }), [2], [-Infinity, -Infinity]);
});

test('Reduce: bad axes throw naming the kernel, expected and actual', () => {
  assert.throws(() => reduce({ x }, { op: 'sum', axes: [3], keepDims: false }), /Reduce\(sum\).*\[0, 2\].*got 3/);
  assert.throws(() => reduce({ x }, { op: 'sum', axes: [-1], keepDims: false }), /Reduce\(sum\).*got -1/);
  assert.throws(() => reduce({ x }, { op: 'max', axes: [2, 0], keepDims: false }), /Reduce\(max\).*sorted.*got \[2, 0\]/);
  assert.throws(() => reduce({ x }, { op: 'min', axes: [1, 1], keepDims: false }), /sorted ascending without repeats/);
});
