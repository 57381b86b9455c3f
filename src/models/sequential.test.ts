import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../backend/engine.js';
import { Callback, type Logs } from '../callbacks/callback.js';
import { Activation } from '../layers/activation.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { Flatten } from '../layers/flatten.js';
import { InputLayer } from '../layers/input-layer.js';
import { MaxPooling2D } from '../layers/max-pooling2d.js';
import { tensor } from '../ops/index.js';
import { Adam, SGD } from '../optimizers/index.js';
import { mnistCnn } from './mnist-cnn.js';
import { Sequential } from './sequential.js';
import { BAR_SIZE, barImages } from './test-data.js';

function barCnn(seed: number): Sequential {
  const model = new Sequential({ seed });
  model.add(new Conv2D(8, 3, { activation: 'relu', inputShape: [BAR_SIZE, BAR_SIZE, 1] }));
  model.add(new MaxPooling2D(2));
  model.add(new Flatten());
  model.add(new Dense(2, { activation: 'softmax' }));
  model.compile({ optimizer: new Adam({ learningRate: 0.02 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

test('summary of the seed CNN matches Keras row by row', () => {
  const lines: string[] = [];
  const model = mnistCnn({ seed: 1, name: 'sequential' });
  const text = model.summary((l) => lines.push(l));
  assert.equal(lines.join('\n'), text);
  const rows = text.split('\n').map((l) => l.trim().split(/\s{2,}/).join(' '));
  assert.equal(rows[0], 'Model: "sequential"');
  const expected = [
    'Layer (type) Output Shape Param #',
    'conv2d (Conv2D) (None, 26, 26, 32) 320',
    'max_pooling2d (MaxPooling2D) (None, 13, 13, 32) 0',
    'conv2d_1 (Conv2D) (None, 11, 11, 64) 18,496',
    'max_pooling2d_1 (MaxPooling2D) (None, 5, 5, 64) 0',
    'conv2d_2 (Conv2D) (None, 3, 3, 64) 36,928',
    'flatten (Flatten) (None, 576) 0',
    'dense (Dense) (None, 64) 36,928',
    'dense_1 (Dense) (None, 10) 650',
  ];
  for (const row of expected) assert.ok(rows.includes(row), `missing row '${row}' in\n${text}`);
  assert.ok(rows.indexOf(expected[1]) < rows.indexOf(expected[8]), 'layers in order');
  assert.ok(rows.includes('Total params: 93,322'));
  assert.ok(rows.includes('Trainable params: 93,322'));
  assert.ok(rows.includes('Non-trainable params: 0'));
  assert.equal(model.countParams(), 93322);
  assert.equal(model.layers.length, 8);
  assert.equal(model.trainableWeights.length, 10);
});

test('models are named sequential, sequential_1, ... and layers keep Keras names', () => {
  const a = new Sequential();
  const b = new Sequential();
  assert.match(a.name, /^sequential(_\d+)?$/);
  assert.notEqual(a.name, b.name);
});

test('Dense after a conv without Flatten fails at add(), naming both layers and the shape', () => {
  const model = new Sequential();
  model.add(new Conv2D(8, 3, { inputShape: [8, 8, 1], name: 'features' }));
  assert.throws(() => model.add(new Dense(10, { name: 'head' })), {
    message:
      'Sequential "' + model.name + '": layer "head" (Dense) cannot take the output of "features" (Conv2D), shape [None, 6, 6, 8]: ' +
      'Layer "head" (Dense): expected input [None, features], got shape [None, 6, 6, 8]; add a Flatten layer before it to turn each sample into a vector',
  });
  assert.equal(model.layers.length, 1, 'the rejected layer is not added');
});

test('a conv kernel larger than its input fails when the model is built', () => {
  const model = new Sequential({ layers: [new Conv2D(4, 3, { name: 'c_a' }), new MaxPooling2D(2), new Conv2D(4, 3, { name: 'c_b' })] });
  assert.throws(() => model.build([null, 6, 6, 1]), /layer "c_b" \(Conv2D\) cannot take the output of "max_pooling2d(_\d+)?" \(MaxPooling2D\), shape \[None, 2, 2, 4\]: Layer "c_b" \(Conv2D\): kernel 3x3 is larger than the input 2x2/);
});

test('fit rejects labels whose count differs from the images, giving both counts', async () => {
  const model = barCnn(1);
  const { x } = barImages(10, 1);
  await assert.rejects(model.fit(x, tensor(new Float32Array(18), [9, 2]), { verbose: 0 }), { message: 'fit: x has 10 samples but y has 9 labels; they must have the same length along the first axis' });
  assert.throws(() => model.evaluate(x, tensor(new Float32Array(4), [2, 2]), { verbose: 0 }), /evaluate: x has 10 samples but y has 2 labels/);
});

test('fit before compile and summary before the input shape is known say what to do', async () => {
  const model = new Sequential({ layers: [new Dense(2)] });
  assert.throws(() => model.summary(() => {}), /summary\(\) needs the input shape; give the first layer inputShape, add an InputLayer, or call build\(\)/);
  await assert.rejects(model.fit(tensor([[1]]), tensor([[1, 0]]), { verbose: 0 }), /call compile\(\) before fit/);
});

test('a CNN learns the bar problem to >= 95% accuracy on held-out images', async () => {
  const model = barCnn(3);
  const train = barImages(128, 10);
  const held = barImages(64, 11);
  const history = await model.fit(train.x, train.y, { epochs: 12, batchSize: 16, verbose: 0 });
  assert.deepEqual(history.epoch, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  const losses = history.history.loss;
  assert.ok(losses[losses.length - 1] < losses[0] / 2, `loss fell: ${losses.join(', ')}`);
  const [loss, accuracy] = model.evaluate(held.x, held.y, { verbose: 0 });
  assert.ok(accuracy >= 0.95, `held-out accuracy ${accuracy}, loss ${loss}`);
  assert.deepEqual(model.metricsNames, ['loss', 'accuracy']);
});

test('validationSplit holds out the last samples and logs val_loss / val_accuracy', async () => {
  const model = barCnn(4);
  const { x, y } = barImages(40, 12);
  const seen: number[] = [];
  class Sizes extends Callback {
    override onTrainBatchEnd(_b: number, logs?: Logs): void {
      seen.push(logs?.size ?? -1);
    }
  }
  const history = await model.fit(x, y, { epochs: 2, batchSize: 16, validationSplit: 0.25, verbose: 0, callbacks: [new Sizes()] });
  assert.deepEqual(Object.keys(history.history).sort(), ['accuracy', 'loss', 'val_accuracy', 'val_loss']);
  // 30 training samples: batches of 16 and 14, twice.
  assert.deepEqual(seen, [16, 14, 16, 14]);
  // The validation loss is the loss on the last 10 samples after the epoch.
  const [valLoss] = model.evaluate(tensor(x.dataSync().slice(30 * 36), [10, 6, 6, 1]), tensor(y.dataSync().slice(30 * 2), [10, 2]), { verbose: 0 });
  assert.ok(Math.abs(history.history.val_loss[1] - valLoss) < 1e-5);
});

test('batch logs carry the running mean loss; callbacks can stop training', async () => {
  const model = barCnn(5);
  const { x, y } = barImages(48, 13);
  const batchLosses: number[] = [];
  const stepLosses: number[] = [];
  class StopAfterFirstEpoch extends Callback {
    override onTrainBatchEnd(_b: number, logs?: Logs): void {
      batchLosses.push(logs?.loss ?? NaN);
    }
    override onEpochEnd(): void {
      if (this.model) this.model.stopTraining = true;
    }
  }
  const history = await model.fit(x, y, { epochs: 5, batchSize: 16, shuffle: false, verbose: 0, callbacks: [new StopAfterFirstEpoch()] });
  assert.deepEqual(history.epoch, [0]);
  assert.equal(batchLosses.length, 3);
  // Reproduce the per-batch losses with trainOnBatch on a fresh identical model.
  const twin = barCnn(5);
  for (let b = 0; b < 3; b++) {
    const xb = tensor(x.dataSync().slice(b * 16 * 36, (b + 1) * 16 * 36), [16, 6, 6, 1]);
    const yb = tensor(y.dataSync().slice(b * 32, (b + 1) * 32), [16, 2]);
    stepLosses.push(twin.trainOnBatch(xb, yb)[0]);
  }
  const running = stepLosses.map((_, i) => stepLosses.slice(0, i + 1).reduce((a, v) => a + v, 0) / (i + 1));
  running.forEach((r, i) => assert.ok(Math.abs(r - batchLosses[i]) < 1e-5, `batch ${i}: ${batchLosses[i]} vs ${r}`));
  assert.ok(Math.abs(history.history.loss[0] - running[2]) < 1e-5);
});

test('predict, predictOnBatch, testOnBatch shapes and agreement', () => {
  const model = barCnn(6);
  const { x, y } = barImages(37, 14);
  const p = model.predict(x, { batchSize: 8 });
  assert.deepEqual(p.shape, [37, 2]);
  const rows = p.arraySync() as number[][];
  rows.forEach((r) => assert.ok(Math.abs(r[0] + r[1] - 1) < 1e-5, 'softmax rows sum to 1'));
  const first = model.predictOnBatch(tensor(x.dataSync().slice(0, 3 * 36), [3, 6, 6, 1]));
  assert.deepEqual(first.shape, [3, 2]);
  assert.deepEqual(Array.from(first.dataSync()), Array.from(p.dataSync().slice(0, 6)));
  const [loss, acc] = model.testOnBatch(x, y);
  const [eLoss, eAcc] = model.evaluate(x, y, { batchSize: 10, verbose: 0 });
  assert.ok(Math.abs(loss - eLoss) < 1e-5 && Math.abs(acc - eAcc) < 1e-6);
});

test('the same seed gives identical weights after fit; another seed does not', async () => {
  const { x, y } = barImages(32, 15);
  const run = async (seed: number) => {
    const model = barCnn(seed);
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    return model.getWeights().map((w) => Array.from(w.dataSync()));
  };
  const a = await run(21);
  const b = await run(21);
  const c = await run(22);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('getWeights / setWeights copy values and check shapes', () => {
  const a = barCnn(7);
  const b = barCnn(8);
  b.setWeights(a.getWeights());
  const { x } = barImages(4, 16);
  assert.deepEqual(Array.from(b.predict(x).dataSync()), Array.from(a.predict(x).dataSync()));
  assert.throws(() => b.setWeights(a.getWeights().slice(1)), /setWeights expected 4 tensors, got 3/);
  const wrong = a.getWeights();
  wrong[0] = tensor(new Float32Array(4), [2, 2]);
  assert.throws(() => b.setWeights(wrong), /weight conv2d(_\d+)?\/kernel has shape \[3, 3, 1, 8\], got \[2, 2\]/);
});

test('an InputLayer gives the input shape and stays out of layers; build() works without one', () => {
  const model = new Sequential({ layers: [new InputLayer({ shape: [4] }), new Dense(3), new Activation('softmax')] });
  assert.equal(model.layers.length, 2);
  assert.deepEqual(model.outputShape, [null, 3]);
  const late = new Sequential({ layers: [new Dense(3), new Dense(2)] });
  assert.equal(late.built, false);
  late.build([null, 5]);
  assert.equal(late.countParams(), 5 * 3 + 3 + 3 * 2 + 2);
  assert.throws(() => model.add(new InputLayer({ shape: [2] })), /an InputLayer must come first/);
});

test('trainOnBatch with an SGD instance lowers the loss on that batch', () => {
  const model = new Sequential({ seed: 9, layers: [new Dense(1, { inputShape: [2] })] });
  model.compile({ optimizer: new SGD({ learningRate: 0.02 }), loss: 'mse' });
  const x = tensor([[1, 2], [3, 4], [-1, 0]]);
  const y = tensor([[1], [2], [0]]);
  const first = model.trainOnBatch(x, y)[0];
  for (let i = 0; i < 20; i++) model.trainOnBatch(x, y);
  assert.ok(model.testOnBatch(x, y)[0] < first / 4);
});
