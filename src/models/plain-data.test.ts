/**
 * fit / evaluate / predict on plain JavaScript data (nested arrays, number[], typed arrays), as
 * Keras takes NumPy arrays: the same results as with tensors, and short errors that say what to
 * do (class indices with categorical_crossentropy, a missing batch axis, ragged or flat data)
 * without ever printing the data.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../backend/engine.js';
import { bits, randomInput, twoInTwoOut } from '../io/io-test-util.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { Flatten } from '../layers/flatten.js';
import type { LossName } from '../losses/index.js';
import { tensor } from '../ops/create.js';
import { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { Sequential } from './sequential.js';

function classifier(loss: LossName = 'categorical_crossentropy'): Sequential {
  const model = new Sequential({ seed: 5 });
  model.add(new Dense(8, { activation: 'relu', inputShape: [4] }));
  model.add(new Dense(3, { activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss, metrics: ['accuracy'] });
  return model;
}

function imageModel(): Sequential {
  const model = new Sequential({ seed: 2 });
  model.add(new Conv2D(1, 3, { inputShape: [28, 28, 1] }));
  model.add(new Flatten());
  model.add(new Dense(10, { activation: 'softmax' }));
  model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
  return model;
}

/** `n` samples of 4 features as nested arrays, their class (0-2) and the one-hot rows. */
function data(n: number, seed = 1): { x: number[][]; labels: number[]; oneHot: number[][] } {
  const rng = new Random(seed);
  const x = Array.from({ length: n }, () => Array.from({ length: 4 }, () => rng.uniform(-1, 1)));
  const labels = x.map((row) => (row[0] > 0.3 ? 2 : row[1] > 0 ? 1 : 0));
  return { x, labels, oneHot: labels.map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0))) };
}

const image = (): number[][][] => Array.from({ length: 28 }, (_, i) => Array.from({ length: 28 }, (_, j) => [(i * 28 + j) / 784]));

test('fit, evaluate and predict on nested arrays give exactly what they give on tensors', async () => {
  const { x, oneHot } = data(64);
  const [plain, tensors] = [classifier(), classifier()];
  const options = { epochs: 2, batchSize: 16, verbose: 0, validationData: [x.slice(0, 8), oneHot.slice(0, 8)] as [unknown, unknown] };
  const h1 = await plain.fit(x, oneHot, options);
  const h2 = await tensors.fit(tensor(x), tensor(oneHot), { ...options, validationData: [tensor(x.slice(0, 8)), tensor(oneHot.slice(0, 8))] });
  assert.deepEqual(h1.history, h2.history);
  assert.deepEqual(plain.evaluate(x, oneHot, { verbose: 0 }), tensors.evaluate(tensor(x), tensor(oneHot), { verbose: 0 }));
  assert.deepEqual(bits((plain.predict(x) as Tensor).dataSync()), bits(tensors.predict(tensor(x)).dataSync()));
  assert.deepEqual(plain.predict([x[0]]).shape, [1, 3]);
});

test('a plain label array and typed arrays of labels train with sparse_categorical_crossentropy', async () => {
  const { x, labels } = data(32);
  const [a, b] = [classifier('sparse_categorical_crossentropy'), classifier('sparse_categorical_crossentropy')];
  const h1 = await a.fit(x, labels, { epochs: 1, batchSize: 8, verbose: 0 });
  const h2 = await b.fit(x.map((r) => Float32Array.from(r)), Int32Array.from(labels), { epochs: 1, batchSize: 8, verbose: 0 });
  assert.deepEqual(h1.history, h2.history);
});

test('a model with two inputs and two outputs takes nested arrays as a list or by name', async () => {
  const model = twoInTwoOut(3);
  model.compile({ optimizer: 'sgd', loss: ['categorical_crossentropy', 'mse'] });
  const [images, meta] = [randomInput(4, [8, 8, 1], 1), randomInput(4, [3], 2)];
  const nested = (t: Tensor): unknown => {
    const v = Array.from(t.dataSync());
    const shape = t.shape.slice(1);
    const size = shape.reduce((a, b) => a * b, 1);
    const nest = (flat: number[], dims: readonly number[]): unknown => dims.length === 1 ? flat : Array.from({ length: dims[0] }, (_, i) => nest(flat.slice(i * flat.length / dims[0], (i + 1) * flat.length / dims[0]), dims.slice(1)));
    return Array.from({ length: t.shape[0] }, (_, i) => nest(v.slice(i * size, (i + 1) * size), shape));
  };
  const expected = model.predict([images, meta]) as Tensor[];
  for (const given of [[nested(images), nested(meta)], { image: nested(images), meta: nested(meta) }]) {
    const got = model.predict(given as never) as Tensor[];
    got.forEach((y, i) => assert.deepEqual(bits(y.dataSync()), bits(expected[i].dataSync())));
  }
  const y = [[[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]], [[0.5], [-1], [2], [0]]];
  const loss = model.evaluate([nested(images), nested(meta)] as never, y, { verbose: 0 });
  assert.deepEqual(loss, model.evaluate([images, meta], y.map((v) => tensor(v)), { verbose: 0 }));
});

const INDICES = "categorical_crossentropy needs one-hot targets of shape [N, 3], got y of shape [32] (class indices?); use toCategorical(y, 3) or loss 'sparse_categorical_crossentropy'";

test('class indices with categorical_crossentropy say to use toCategorical or the sparse loss', async () => {
  const { x, labels } = data(32);
  const model = classifier();
  await assert.rejects(model.fit(x, labels, { verbose: 0 }), { message: `fit: ${INDICES}` });
  await assert.rejects(model.fit(tensor(x), tensor(Int32Array.from(labels), [32], 'int32'), { verbose: 0 }), { message: `fit: ${INDICES}` });
  assert.throws(() => model.evaluate(x, labels, { verbose: 0 }), { message: `evaluate: ${INDICES}` });
  assert.throws(() => model.trainOnBatch(x, labels.map((c) => [c])), { message: `trainOnBatch: ${INDICES.replace('[32]', '[32, 1]')}` });
});

test('one image without the batch axis says to add a batch dimension', async () => {
  const model = imageModel();
  const expected = 'add a batch dimension: the model expects x of shape [N, 28, 28, 1], got [28, 28, 1] (one sample? give it as [1, 28, 28, 1])';
  assert.throws(() => model.predict(image()), { message: `predict: ${expected}` });
  assert.throws(() => model.predict(tensor(image())), { message: `predict: ${expected}` });
  assert.throws(() => model.evaluate(image(), [[1, 0, 0, 0, 0, 0, 0, 0, 0, 0]], { verbose: 0 }), { message: `evaluate: ${expected}` });
  await assert.rejects(model.fit(image(), [[1, 0, 0, 0, 0, 0, 0, 0, 0, 0]], { verbose: 0 }), { message: `fit: ${expected}` });
  assert.deepEqual(model.predict([image()]).shape, [1, 10]);
});

test('a flat typed array of images asks for a tensor or nested arrays', () => {
  const model = imageModel();
  assert.throws(() => model.predict(new Float32Array(784 * 2)), {
    message: 'predict: x is a flat Float32Array of 1568 values, which does not give the shape of a sample; pass tensor(values, [N, 28, 28, 1]) or nested arrays (the model expects shape [N, 28, 28, 1])',
  });
});

test('errors about 10,000-sample arrays are short and never hold the data', async () => {
  const { x, labels, oneHot } = data(10_000, 7);
  const digits = /0\.\d{4}/; // any sample value would show as 0.xxxx
  const cases: [string, () => unknown][] = [
    ['class indices', () => classifier().fit(x, labels, { verbose: 0 })],
    ['ragged', () => classifier().fit([...x.slice(0, -1), [1, 2]], oneHot, { verbose: 0 })],
    ['not a number', () => classifier().predict([...x.slice(0, -1), [1, 2, 3, 'four']] as never)],
    ['counts differ', () => classifier().fit(x, oneHot.slice(1), { verbose: 0 })],
    ['missing batch axis', () => classifier().predict(x[0])],
    ['wrong sample shape', () => classifier().predict(x.map((r) => [...r, 0]))],
    ['flat typed array', () => classifier().predict(Float32Array.from(x.flat()))],
    ['iterator of junk', () => classifier().fit([{ xs: x }] as never, { verbose: 0 })],
  ];
  for (const [name, run] of cases) {
    let error: unknown = null;
    try {
      await run();
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof Error, `${name}: no error`);
    assert.ok(error.message.length <= 250, `${name}: ${error.message.length} characters: ${error.message.slice(0, 300)}`);
    assert.ok(!digits.test(error.message), `${name}: the message holds data: ${error.message}`);
  }
});
