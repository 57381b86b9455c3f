import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../backend/engine.js';
import { Dataset } from '../data/dataset.js';
import { Dense } from '../layers/dense.js';
import { input } from '../layers/input.js';
import { DataLoader } from '../nn/data-loader.js';
import { tensor } from '../ops/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { Model } from './functional.js';
import { Sequential } from './sequential.js';

const X = tensor(Float32Array.from({ length: 20 }, (_, i) => ((i * 7) % 11) / 10 - 0.5), [10, 2]);
const Y = tensor(Float32Array.from({ length: 10 }, (_, i) => (i % 3) / 2), [10, 1]);

function linear(seed = 1, withShape = true): Sequential {
  const model = new Sequential({ seed, layers: [new Dense(1, withShape ? { inputShape: [2] } : {})] });
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  return model;
}

const weightsOf = (m: Sequential | Model): number[][] => m.getWeights().map((w) => Array.from(w.dataSync()));

test('fit on a Dataset of [x, y] batches trains exactly as fit on the arrays (same batches, same order)', async () => {
  const fromArrays = linear();
  await fromArrays.fit(X, Y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
  const fromDataset = linear();
  const history = await fromDataset.fit(Dataset.fromTensors([X, Y]).batch(4), { epochs: 2, verbose: 0 });
  assert.deepEqual(weightsOf(fromDataset), weightsOf(fromArrays));
  assert.equal(history.history.loss.length, 2);
});

test('fit on { x, y } elements builds an unbuilt model from the first batch', async () => {
  const model = linear(1, false);
  await model.fit(Dataset.fromTensors({ x: X, y: Y }).batch(5), { epochs: 1, verbose: 0 });
  assert.deepEqual(model.getWeights().map((w) => w.shape), [[2, 1], [1]]);
});

test('Keras rules for a Dataset: no batchSize, no validationSplit, no sampleWeight option; infinite needs stepsPerEpoch', async () => {
  const model = linear();
  const data = Dataset.fromTensors([X, Y]).batch(4);
  await assert.rejects(model.fit(data, { batchSize: 4, verbose: 0 }), /fit: batchSize is not supported when x is a Dataset; .*dataset\.batch\(n\)/);
  await assert.rejects(model.fit(data, { validationSplit: 0.2, verbose: 0 }), /fit: validationSplit is not supported when x is a Dataset; give validationData/);
  await assert.rejects(model.fit(data, { sampleWeight: tensor([1]), verbose: 0 }), /sampleWeight is not supported/);
  await assert.rejects(model.fit(data.repeat(), { verbose: 0 }), /the Dataset is infinite .*stepsPerEpoch/);
  await assert.rejects(model.fit(data, Y as unknown as object), /pass the options second/);
  await assert.rejects(model.evaluate(data, { batchSize: 4, verbose: 0 }), /evaluate: batchSize is not supported when x is a Dataset/);
});

test('unbatched elements are refused with the fix', async () => {
  await assert.rejects(linear().fit(Dataset.fromTensors([X, Y]), { verbose: 0 }), /the Dataset's elements are single samples \(x of shape \[2\], the model takes \[N, 2\]\); batch it first: dataset\.batch\(32\)/);
  await assert.rejects(linear().fit(Dataset.fromTensors(X).batch(2), { verbose: 0 }), /the Dataset's elements have no targets/);
});

test('stepsPerEpoch continues one pass across epochs and restarts it when used up (Keras)', async () => {
  const seen: number[] = [];
  const data = Dataset.fromTensors([X, Y]).batch(4).map((b) => {
    seen.push(b[0].shape[0]);
    return b;
  });
  const model = linear();
  await model.fit(data, { epochs: 3, stepsPerEpoch: 2, verbose: 0 });
  // Batches of 4, 4, 2: epoch 1 takes two, epoch 2 the last one (the pass ends), epoch 3 starts again.
  assert.deepEqual(seen, [4, 4, 2, 4, 4]);
  assert.equal(model.history?.history.loss.length, 3);
});

test('validationData as a Dataset gives the val_ logs of evaluate on it; evaluate and predict take a Dataset', async () => {
  const model = linear();
  const val = Dataset.fromTensors([X, Y]).batch(3);
  const history = await model.fit(Dataset.fromTensors([X, Y]).batch(4), { epochs: 1, validationData: val, verbose: 0 });
  const [loss] = await model.evaluate(val, { verbose: 0 });
  assert.ok(Math.abs(history.history.val_loss[0] - loss) < 1e-6);
  assert.ok(Math.abs(loss - model.evaluate(X, Y, { verbose: 0, batchSize: 3 })[0]) < 1e-6);
  const predicted = await model.predict(Dataset.fromTensors(X).batch(3));
  assert.deepEqual(predicted.shape, [10, 1]);
  assert.deepEqual(Array.from(predicted.dataSync()), Array.from(model.predict(X).dataSync()));
  // [x, y] elements predict too (y ignored), and steps caps the batches.
  const two = await model.predict(Dataset.fromTensors([X, Y]).batch(3), { steps: 2 });
  assert.deepEqual(two.shape, [6, 1]);
  await assert.rejects(model.predict(Dataset.fromTensors(X).batch(3).take(0)), /predict: the Dataset is empty/);
});

test('a functional Model trains on a Dataset (inputs keyed by name) as on arrays', async () => {
  const build = () => {
    const x = input({ shape: [2], name: 'features' });
    const m = new Model({ inputs: x, outputs: new Dense(1).apply(x), seed: 3 });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    return m;
  };
  const a = build();
  await a.fit(X, Y, { batchSize: 5, shuffle: false, epochs: 1, verbose: 0 });
  const b = build();
  await b.fit(Dataset.fromTensors({ x: { features: X }, y: Y }).batch(5), { epochs: 1, verbose: 0 });
  assert.deepEqual(weightsOf(b), weightsOf(a));
});

test('classWeight applies to Dataset batches', async () => {
  const model = linear();
  const labels = tensor([[0], [1], [0], [1]]);
  const x = tensor([[1, 0], [0, 1], [1, 1], [0, 0]]);
  const zero = linear();
  await zero.fit(Dataset.fromTensors([x, labels]).batch(4), { classWeight: { 0: 0, 1: 0 }, verbose: 0 });
  assert.deepEqual(weightsOf(zero), weightsOf(model), 'all-zero class weights leave the weights as they were');
});

test('nn.DataLoader over a Dataset of samples: batches, drop_last, shuffle with a seed', async () => {
  const samples = Dataset.fromTensors([X, Y]);
  const loader = new DataLoader(samples, { batchSize: 4 });
  assert.equal(loader.length, 3);
  const sizes: number[] = [];
  for await (const [x, y] of loader) {
    sizes.push(x.shape[0]);
    assert.equal((y as Tensor).shape[0], x.shape[0]);
  }
  assert.deepEqual(sizes, [4, 4, 2]);
  const firstColumn = async (l: DataLoader) => {
    const out: number[] = [];
    for await (const [x] of l) out.push(...Array.from(x.dataSync()).filter((_, i) => i % 2 === 0));
    return out;
  };
  const shuffled = await firstColumn(new DataLoader(samples, { batchSize: 4, shuffle: true, seed: 1, dropLast: true }));
  assert.equal(shuffled.length, 8);
  assert.deepEqual(shuffled, await firstColumn(new DataLoader(samples, { batchSize: 4, shuffle: true, seed: 1, dropLast: true })));
  assert.throws(() => new DataLoader(Dataset.fromGenerator(function* () { yield 1; }), { shuffle: true }), /shuffle needs a Dataset of known length/);
});
