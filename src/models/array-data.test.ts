/** Plain JavaScript data to tensors: shapes from the nesting, and errors that name the index. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../backend/engine.js';
import { tensorFromArrayData } from './array-data.js';

test('nested arrays give their shape and row-major float32 values', () => {
  const t = tensorFromArrayData([[[1], [2]], [[3], [4]], [[5], [6]]], 'x', 'fit');
  assert.deepEqual(t.shape, [3, 2, 1]);
  assert.equal(t.dtype, 'float32');
  assert.deepEqual([...t.dataSync()], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(tensorFromArrayData([0, 2, 1], 'y', 'fit').shape, [3]);
});

test('a typed array is one axis; rows may be typed arrays', () => {
  const labels = tensorFromArrayData(Int32Array.of(2, 0, 1), 'y', 'fit');
  assert.deepEqual([labels.shape, labels.dtype, [...labels.dataSync()]], [[3], 'float32', [2, 0, 1]]);
  const rows = tensorFromArrayData([Float64Array.of(1, 2), Float64Array.of(3, 4)], 'x', 'fit');
  assert.deepEqual([rows.shape, [...rows.dataSync()]], [[2, 2], [1, 2, 3, 4]]);
});

test('ragged nesting is an error naming the first index where it differs', () => {
  assert.throws(() => tensorFromArrayData([[1, 2], [3, 4], [5]], 'x', 'fit'), { message: 'fit: x[2] has 1 elements where x[0] has 2; nested arrays must be regular (not ragged)' });
  assert.throws(() => tensorFromArrayData([[[1], [2]], [[3], 4]], 'x', 'predict'), { message: 'predict: x[1][1] is a number where x[0][0] is an array of 1 numbers; nested arrays must be regular (not ragged)' });
  assert.throws(() => tensorFromArrayData([[1, 2], [3, [4]]], 'x[1]', 'evaluate'), { message: 'evaluate: x[1][1][1] is an array of 1, not a number; nested arrays must hold numbers only' });
  assert.throws(() => tensorFromArrayData([[1, 2], [3, null]] as never, 'y', 'fit'), { message: 'fit: y[1][1] is null, not a number; nested arrays must hold numbers only' });
  assert.throws(() => tensorFromArrayData([Float32Array.of(1, 2), Float32Array.of(3)], 'x', 'fit'), /x\[1\] has 1 elements where x\[0\] has 2/);
});

test('errors never hold the data: 10,000 samples, one ragged at the end', () => {
  const x = Array.from({ length: 10_000 }, (_, i) => (i === 9_999 ? [0.123456789] : [0.123456789, 0.987654321]));
  assert.throws(() => tensorFromArrayData(x, 'x', 'fit'), (e: Error) => e.message.length < 120 && e.message.includes('x[9999]') && !e.message.includes('0.123'));
});
