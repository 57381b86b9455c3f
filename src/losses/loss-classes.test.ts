/**
 * Keras 3's loss classes (`new losses.CategoricalCrossentropy({ fromLogits: true })`): the same
 * values as the functions with those options, usable in `compile({ loss })` to train a model, and
 * binary cross-entropy reading a sigmoid output through its logits as Keras's TensorFlow backend does.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import '../backend/engine.js';
import { backward } from '../autograd/backward.js';
import { Dense } from '../layers/dense.js';
import type { ActivationName } from '../layers/activations.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/create.js';
import { sigmoid } from '../ops/unary.js';
import { Adam } from '../optimizers/index.js';
import { Random } from '../tensor/random.js';
import * as losses from './index.js';

const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

/** 64 points in the plane, class 1 where x0 + x1 > 0. */
function points() {
  const rng = new Random(3);
  const xs = Float32Array.from({ length: 128 }, () => rng.uniform(-1, 1));
  const labels = Array.from({ length: 64 }, (_, i) => (xs[2 * i] + xs[2 * i + 1] > 0 ? 1 : 0));
  return { x: tensor(xs, [64, 2]), labels };
}

async function train(loss: losses.Loss, units: number, activation: ActivationName | null, y: ReturnType<typeof tensor>) {
  const model = new Sequential({ seed: 7 });
  model.add(new Dense(16, { activation: 'relu', inputShape: [2] }));
  model.add(new Dense(units, { activation }));
  model.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss, metrics: ['accuracy'] });
  const history = await model.fit(points().x, y, { epochs: 15, batchSize: 16, verbose: 0 });
  return history.history;
}

describe('loss classes', () => {
  it('give the values of the functions with the same options', () => {
    const yTrue = tensor([[0, 1, 0], [1, 0, 0]]);
    const logits = tensor([[2, 0.5, -1], [0.1, 0.2, 3]]);
    close(new losses.CategoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }).call(yTrue, logits).item(),
      losses.categoricalCrossentropy(yTrue, logits, { fromLogits: true, labelSmoothing: 0.1 }).item());
    close(new losses.SparseCategoricalCrossentropy({ fromLogits: true }).call(tensor([1, 0], [2], 'int32'), logits).item(),
      losses.categoricalCrossentropy(yTrue, logits, { fromLogits: true }).item());
    close(new losses.BinaryCrossentropy({ fromLogits: true }).call(tensor([1, 0]), tensor([3, -2])).item(),
      losses.binaryCrossentropy(tensor([1, 0]), tensor([3, -2]), { fromLogits: true }).item());
    close(new losses.MeanSquaredError().call(tensor([1, 2]), tensor([2, 4])).item(), 2.5);
    close(new losses.MeanAbsoluteError().call(tensor([1, 2]), tensor([2, 4])).item(), 1.5);
  });

  it('carry Keras names and config, and refuse reductions Fovea does not do', () => {
    const l = new losses.CategoricalCrossentropy({ fromLogits: true });
    assert.equal(l.name, 'categorical_crossentropy');
    assert.deepEqual(l.getConfig(), { name: 'categorical_crossentropy', reduction: 'sum_over_batch_size', fromLogits: true, labelSmoothing: 0, axis: -1 });
    assert.equal(new losses.BinaryCrossentropy({ name: 'bce' }).name, 'bce');
    assert.equal(losses.getLoss(new losses.BinaryCrossentropy({ name: 'bce' })).name, 'binary_crossentropy');
    assert.throws(() => new losses.MeanSquaredError({ reduction: 'sum' as never }), /MeanSquaredError: reduction "sum" is not supported/);
  });

  it('train a model through compile({ loss }) (categorical and sparse from logits)', async () => {
    const { labels } = points();
    const oneHot = tensor(labels.map((c) => (c === 1 ? [0, 1] : [1, 0])));
    const cat = await train(new losses.CategoricalCrossentropy({ fromLogits: true }), 2, null, oneHot);
    assert.ok(cat.loss[14] < cat.loss[0] * 0.5, `loss ${cat.loss[0]} -> ${cat.loss[14]}`);
    assert.ok(cat.accuracy[14] >= 0.9, `accuracy ${cat.accuracy[14]}`);
    const sparse = await train(new losses.SparseCategoricalCrossentropy({ fromLogits: true }), 2, null, tensor(labels, [64], 'int32'));
    assert.ok(sparse.accuracy[14] >= 0.9, `sparse accuracy ${sparse.accuracy[14]}`);
  });

  it('train a model through compile({ loss }) (binary from logits, mean squared error)', async () => {
    const { labels } = points();
    const binary = await train(new losses.BinaryCrossentropy({ fromLogits: true }), 1, null, tensor(labels, [64, 1]));
    assert.ok(binary.loss[14] < binary.loss[0] * 0.5, `loss ${binary.loss[0]} -> ${binary.loss[14]}`);
    assert.ok(binary.accuracy[14] >= 0.9, `binary accuracy ${binary.accuracy[14]}`);
    const mse = await train(new losses.MeanSquaredError(), 1, 'sigmoid', tensor(labels, [64, 1]));
    assert.ok(mse.loss[14] < mse.loss[0] * 0.5, `mse ${mse.loss[0]} -> ${mse.loss[14]}`);
  });
});

describe('binary cross-entropy of a sigmoid output', () => {
  it('reads the logits, as Keras does: 20.0, not 16.03 from clipping', () => {
    close(losses.binaryCrossentropy(tensor([[0, 1]]), sigmoid(tensor([[20, -20]]))).item(), 20, 1e-4);
    close(new losses.BinaryCrossentropy().call(tensor([[0, 1]]), sigmoid(tensor([[20, -20]]))).item(), 20, 1e-4);
    // The same probabilities typed in (no logits to read) are clipped to [1e-7, 1 - 1e-7].
    const p = tensor([[1 / (1 + Math.exp(-20)), 1 / (1 + Math.exp(20))]]);
    close(losses.binaryCrossentropy(tensor([[0, 1]]), p).item(), 16.0302, 1e-3);
  });

  it('keeps the value and gradient where nothing is clipped, with label smoothing too', () => {
    const z = tensor([[0.5, -1.5, 2]]);
    z.requiresGrad = true;
    const y = tensor([[1, 0, 1]]);
    const p = Array.from(z.dataSync(), (v) => 1 / (1 + Math.exp(-v)));
    const smoothed = [0.95, 0.05, 0.95];
    const expected = -smoothed.reduce((a, t, i) => a + t * Math.log(p[i]) + (1 - t) * Math.log(1 - p[i]), 0) / 3;
    const loss = losses.binaryCrossentropy(y, sigmoid(z), { labelSmoothing: 0.1 });
    close(loss.item(), expected, 1e-5);
    backward(loss);
    Array.from(z.grad!.dataSync()).forEach((g, i) => close(g, (p[i] - smoothed[i]) / 3, 1e-6));
  });
});
