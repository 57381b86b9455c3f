import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../backend/engine.js';
import { maxNorm, nonNeg } from '../layers/constraints.js';
import { Dense } from '../layers/dense.js';
import { Conv2D } from '../layers/conv2d.js';
import { Flatten } from '../layers/flatten.js';
import { l2 } from '../layers/regularizers.js';
import { tensor } from '../ops/index.js';
import { SGD } from '../optimizers/sgd.js';
import type { Tensor } from '../tensor/tensor.js';
import { Sequential } from './sequential.js';
import { BAR_SIZE, barImages } from './test-data.js';

function linear(seed = 1, options: ConstructorParameters<typeof Dense>[1] = {}): Sequential {
  const model = new Sequential({ seed, layers: [new Dense(1, { inputShape: [2], kernelInitializer: 'ones', ...options })] });
  model.compile({ optimizer: new SGD({ learningRate: 0.05 }), loss: 'mse' });
  return model;
}

const X = tensor([[1, 2], [3, 4], [-1, 0], [2, -2]]);
const Y = tensor([[1], [2], [0], [1]]);

test('sampleWeight: the loss is sum(w_i * loss_i) / batchSize (Keras), zero weights drop samples', () => {
  const model = linear();
  // Predictions with kernel ones, bias 0: [3, 7, -1, 0]; squared errors [4, 25, 1, 1].
  assert.equal(model.testOnBatch(X, Y)[0], (4 + 25 + 1 + 1) / 4);
  assert.equal(model.testOnBatch(X, Y, { sampleWeight: tensor([1, 0, 2, 0]) })[0], (4 + 2) / 4);
  assert.throws(() => model.testOnBatch(X, Y, { sampleWeight: tensor([1, 2]) }), /sampleWeight has 2 values for 4 samples/);
});

test('classWeight weights each sample by its class (sparse and one-hot targets)', () => {
  const model = new Sequential({ seed: 2, layers: [new Dense(2, { inputShape: [2], activation: 'softmax' })] });
  model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
  const labels = tensor(Int32Array.from([0, 1, 1, 0]), [4], 'int32');
  const plain = model.testOnBatch(X, labels)[0];
  const doubled = model.testOnBatch(X, labels, { classWeight: { 0: 2, 1: 2 } })[0];
  assert.ok(Math.abs(doubled - 2 * plain) < 1e-5);
  const onlyOnes = model.testOnBatch(X, labels, { classWeight: { 0: 0, 1: 1 } })[0];
  const sw = model.testOnBatch(X, labels, { sampleWeight: tensor([0, 1, 1, 0]) })[0];
  assert.ok(Math.abs(onlyOnes - sw) < 1e-6);
  assert.throws(() => model.testOnBatch(X, labels, { classWeight: { 0: 1 } }), /classWeight has no weight for class 1/);
});

test('a kernel regularizer penalty enters the loss fit reports and trains on', async () => {
  const plain = linear(1);
  const regularized = linear(1, { kernelRegularizer: l2(0.1) });
  const [a] = plain.testOnBatch(X, Y);
  const [b] = regularized.testOnBatch(X, Y);
  assert.ok(Math.abs(b - (a + 0.1 * 2)) < 1e-5, `${b} = ${a} + 0.1 * |[1, 1]|^2`);
  await plain.fit(X, Y, { epochs: 40, batchSize: 4, verbose: 0 });
  await regularized.fit(X, Y, { epochs: 40, batchSize: 4, verbose: 0 });
  const norm = (m: Sequential) => Array.from(m.getWeights()[0].dataSync()).reduce((s, v) => s + v * v, 0);
  assert.ok(norm(regularized) < norm(plain), 'the penalty shrinks the kernel');
});

test('constraints are applied after every optimizer step', async () => {
  const model = linear(1, { kernelConstraint: maxNorm({ maxValue: 0.5 }), biasConstraint: nonNeg() });
  model.trainOnBatch(X, tensor([[-9], [-9], [-9], [-9]]));
  const [kernel, bias] = model.getWeights().map((w) => Array.from(w.dataSync()));
  assert.ok(Math.hypot(...kernel) <= 0.5 + 1e-6, `kernel norm ${Math.hypot(...kernel)}`);
  assert.ok(bias[0] === 0, `bias ${bias[0]}: it wanted to go negative and was projected to 0`);
  const free = linear(1);
  free.trainOnBatch(X, tensor([[-9], [-9], [-9], [-9]]));
  assert.ok(free.getWeights()[1].dataSync()[0] < 0, 'without the constraint the bias goes negative');
});

async function* batches(count: number): AsyncGenerator<{ xs: Tensor; ys: Tensor }> {
  for (let i = 0; i < count; i++) {
    const { x, y } = barImages(16, 100 + i);
    yield { xs: x, ys: y };
  }
}

test('fit on an async generator with stepsPerEpoch and an array validationData', async () => {
  const model = new Sequential({ seed: 4, layers: [new Conv2D(4, 3, { activation: 'relu', inputShape: [BAR_SIZE, BAR_SIZE, 1] }), new Flatten(), new Dense(2, { activation: 'softmax' })] });
  model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  const held = barImages(32, 7);
  const history = await model.fit(batches(12), {
    epochs: 3, stepsPerEpoch: 4, validationData: [held.x, held.y], verbose: 0,
  });
  assert.deepEqual(history.epoch, [0, 1, 2]);
  assert.equal(history.history.val_loss.length, 3);
  const [valLoss] = model.evaluate(held.x, held.y, { verbose: 0 });
  assert.ok(Math.abs(history.history.val_loss[2] - valLoss) < 1e-5);
  // A generator continues across epochs and fits: once spent, a new fit on it has no data at all.
  const gen = batches(1);
  await model.fit(gen, { epochs: 1, stepsPerEpoch: 1, verbose: 0 });
  await assert.rejects(model.fit(gen, { epochs: 1, verbose: 0 }), /^Error: fit: the data is empty \(the iterator gave no batch in the first epoch\)/);
});

test('fit on a reiterable (an array of batches) restarts each epoch; a spent generator stops fit', async () => {
  const model = linear();
  const data = [{ xs: X, ys: Y }, { xs: X, ys: Y }];
  const h = await model.fit(data, { epochs: 3, verbose: 0 });
  assert.deepEqual(h.epoch, [0, 1, 2]);
  assert.ok(h.history.loss[2] < h.history.loss[0]);
  function* once() {
    yield { xs: X, ys: Y };
  }
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (m: string) => void warnings.push(m);
  try {
    const h2 = await linear().fit(once(), { epochs: 3, verbose: 0 });
    assert.deepEqual(h2.epoch, [0]);
  } finally {
    console.warn = warn;
  }
  assert.match(warnings[0], /the training data ran out at epoch 2/);
  await assert.rejects(linear().fit([{ xs: X }] as never, { verbose: 0 }), /each element of the data iterator must be \{ xs, ys \}/);
});

test('compile with an empty metrics list means no metrics for every output', () => {
  const model = new Sequential({ seed: 3 });
  model.add(new Dense(2, { inputShape: [3] }));
  model.compile({ optimizer: 'sgd', loss: 'mse', metrics: [] });
  assert.deepEqual(model.metricsNames, ['loss']);
});
