import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engine } from '../backend/engine.js';
import { createRefBackend } from '../backend/ref/ref-backend.js';
import { tensor } from '../ops/index.js';
import { toCategorical } from './to-categorical.js';

engine.registerBackend('ref', createRefBackend, 1);

describe('toCategorical', () => {
  it('one-hot rows from an array, numClasses inferred', () => {
    const t = toCategorical([2, 0, 1]);
    assert.deepEqual(t.shape, [3, 3]);
    assert.equal(t.dtype, 'float32');
    assert.deepEqual(t.arraySync(), [[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
  });

  it('explicit numClasses, typed arrays and tensors', () => {
    assert.deepEqual(toCategorical(Uint8Array.of(1, 3), 5).arraySync(), [[0, 1, 0, 0, 0], [0, 0, 0, 1, 0]]);
    assert.deepEqual(toCategorical(tensor([0, 1], [2], 'int32'), 3).shape, [2, 3]);
  });

  it('drops a trailing axis of 1 and keeps other axes, like Keras', () => {
    assert.deepEqual(toCategorical(tensor([[1], [0]]), 2).arraySync(), [[0, 1], [1, 0]]);
    assert.deepEqual(toCategorical(tensor([[0, 1], [1, 1]], [2, 2], 'int32')).shape, [2, 2, 2]);
  });

  it('rejects labels that are not class indices', () => {
    assert.throws(() => toCategorical([0, 3], 3), /toCategorical: label 3 at index 1 is not a class index in \[0, 2\]/);
    assert.throws(() => toCategorical([0, -1]), /label -1 at index 1/);
    assert.throws(() => toCategorical([0, 1.5]), /label 1.5 at index 1/);
    assert.throws(() => toCategorical([Number.NaN]), /label NaN at index 0|numClasses must be a positive integer/);
    assert.throws(() => toCategorical([0], 0), /numClasses must be a positive integer, got 0/);
  });
});
