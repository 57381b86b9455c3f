import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertTensor, tensor as t } from './kernel-test-util.js';
import { pad } from './Pad.js';

test('Pad: asymmetric 2-D padding with a constant', () => {
  const x = t([1, 2, 3, 4], [2, 2]);
  assertTensor(pad({ x }, { paddings: [[1, 0], [0, 2]], value: 9 }), [3, 4], [9, 9, 9, 9, 1, 2, 9, 9, 3, 4, 9, 9]);
});

test('Pad: NHWC spatial padding leaves batch and channels alone', () => {
  const x = t([1, 2, 3, 4], [1, 1, 2, 2]);
  const y = pad({ x }, { paddings: [[0, 0], [1, 1], [0, 0], [0, 0]], value: 0 });
  assertTensor(y, [1, 3, 2, 2], [0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0]);
});

test('Pad: zero padding copies; int32; rank 0; empty input', () => {
  assertTensor(pad({ x: t([1, 2], [2], 'int32') }, { paddings: [[0, 0]], value: 5 }), [2], [1, 2], 'int32');
  assertTensor(pad({ x: t([1], [1], 'int32') }, { paddings: [[2, 1]], value: -3 }), [4], [-3, -3, 1, -3], 'int32');
  assertTensor(pad({ x: t([7], []) }, { paddings: [], value: 0 }), [], [7]);
  assertTensor(pad({ x: t([], [0]) }, { paddings: [[1, 1]], value: 4 }), [2], [4, 4]);
});

test('Pad: wrong number of pairs or negative padding throws', () => {
  const x = t([1, 2, 3, 4], [2, 2]);
  assert.throws(() => pad({ x }, { paddings: [[1, 1]], value: 0 }), /Pad: paddings must be 2 \[before, after\] pairs.*got \[\[1,1\]\]/);
  assert.throws(() => pad({ x }, { paddings: [[0, 0], [-1, 0]], value: 0 }), /Pad: paddings\[1\] must be a pair of non-negative integers, got \[-1, 0\]/);
});
