import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engine } from '../backend/engine.js';
import { createRefBackend } from '../backend/ref/ref-backend.js';
import { meanAbsoluteError, meanSquaredError } from '../losses/index.js';
import { tensor } from '../ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { binaryAccuracy, categoricalAccuracy, getMetric, sparseCategoricalAccuracy } from './index.js';

engine.registerBackend('ref', createRefBackend, 1);

const PRED = tensor([
  [0.1, 0.7, 0.2], // argmax 1
  [0.5, 0.3, 0.2], // argmax 0
  [0.2, 0.2, 0.6], // argmax 2
  [0.3, 0.4, 0.3], // argmax 1
]);
const LABELS = [1, 0, 1, 1]; // 3 of 4 right
const ONE_HOT = tensor(LABELS.map((l) => [0, 1, 2].map((k) => (k === l ? 1 : 0))));

const value = (t: Tensor) => {
  assert.deepEqual(t.shape, [], 'metric is a scalar');
  return Math.round(t.item() * 1e6) / 1e6; // float32 means: 0.6 reads back as 0.6000000238
};

describe('accuracy metrics', () => {
  it('categoricalAccuracy compares argmaxes', () => {
    assert.equal(value(categoricalAccuracy(ONE_HOT, PRED)), 0.75);
  });

  it('sparseCategoricalAccuracy takes int32 or float labels, [N] or [N, 1]', () => {
    assert.equal(value(sparseCategoricalAccuracy(tensor(LABELS, [4], 'int32'), PRED)), 0.75);
    assert.equal(value(sparseCategoricalAccuracy(tensor(LABELS, [4, 1]), PRED)), 0.75);
    assert.throws(() => sparseCategoricalAccuracy(tensor([1, 2], [2], 'int32'), PRED), /yTrue shape \[2\] should be yPred shape \[4,\s?3\]/);
  });

  it('binaryAccuracy thresholds at 0.5 (strictly greater)', () => {
    const y = tensor([[1], [0], [1], [0], [1]]);
    const p = tensor([[0.9], [0.4], [0.5], [0.51], [0.6]]);
    assert.equal(value(binaryAccuracy(y, p)), 0.6); // 0.5 is not > 0.5; 0.51 is a false positive
    assert.equal(value(binaryAccuracy(y, p, 0.45)), 0.8);
    assert.equal(value(binaryAccuracy(y, p, 0.55)), 0.8);
  });
});

describe('getMetric', () => {
  it("'accuracy' follows the loss like Keras and keeps the name as written", () => {
    const int = tensor(LABELS, [4], 'int32');
    const sparse = getMetric('accuracy', { lossName: 'sparse_categorical_crossentropy' });
    assert.equal(sparse.name, 'accuracy');
    assert.equal(sparse.fn, sparseCategoricalAccuracy);
    assert.equal(value(sparse.fn(int, PRED)), 0.75);
    const cat = getMetric('acc', { lossName: 'categorical_crossentropy' });
    assert.deepEqual(cat, { name: 'acc', fn: categoricalAccuracy });
    const bin = getMetric('accuracy', { lossName: 'binary_crossentropy' });
    assert.equal(value(bin.fn(tensor([1, 0]), tensor([0.8, 0.9]))), 0.5);
    assert.equal(getMetric('accuracy', { lossName: 'mean_squared_error' }).fn, categoricalAccuracy);
  });

  it('resolves named metrics and functions', () => {
    assert.deepEqual(getMetric('mse', { lossName: 'x' }), { name: 'mse', fn: meanSquaredError });
    assert.deepEqual(getMetric('mean_absolute_error', { lossName: 'x' }), { name: 'mean_absolute_error', fn: meanAbsoluteError });
    assert.deepEqual(getMetric('sparse_categorical_accuracy', { lossName: 'x' }), { name: 'sparse_categorical_accuracy', fn: sparseCategoricalAccuracy });
    assert.deepEqual(getMetric(categoricalAccuracy, { lossName: 'x' }), { name: 'categorical_accuracy', fn: categoricalAccuracy });
    assert.equal(getMetric(binaryAccuracy, { lossName: 'x' }).name, 'binary_accuracy');
    const custom = function top1(t: Tensor, p: Tensor) { return categoricalAccuracy(t, p); };
    assert.deepEqual(getMetric(custom, { lossName: 'x' }), { name: 'top1', fn: custom });
    assert.throws(() => getMetric('f1', { lossName: 'x' }), /Unknown metric 'f1' in compile .*: valid names: 'accuracy'/);
  });
});
