// Issue 4, "What must show" 3: a residual CNN built with the functional API (two conv blocks
// joined by an Add skip, BatchNormalization, Dropout, GlobalAveragePooling2D) trains on an MNIST
// subset on the reference backend, and its summary is Keras's, "Connected to" column included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../src/backend/engine.js';
import { loadMnist } from '../src/data/mnist.js';
import { BatchNormalization } from '../src/layers/batch-normalization.js';
import { Conv2D } from '../src/layers/conv2d.js';
import { Dense } from '../src/layers/dense.js';
import { Dropout } from '../src/layers/dropout.js';
import { GlobalAveragePooling2D } from '../src/layers/global-pooling2d.js';
import { input } from '../src/layers/input.js';
import { MaxPooling2D } from '../src/layers/max-pooling2d.js';
import { Add } from '../src/layers/merge.js';
import { ReLU } from '../src/layers/activation-layers.js';
import { Model } from '../src/models/functional.js';
import { Adam } from '../src/optimizers/adam.js';
import { CosineDecay } from '../src/optimizers/schedules.js';

function residualCnn(): Model {
  const x = input({ shape: [28, 28, 1], name: 'image' });
  const stem = new MaxPooling2D(2, { name: 'pool' }).apply(new Conv2D(16, 3, { strides: 2, padding: 'same', activation: 'relu', name: 'stem' }).apply(x));
  const a = new Conv2D(16, 3, { padding: 'same', useBias: false, name: 'block1_conv' }).apply(stem);
  const b = new ReLU({ name: 'block1_relu' }).apply(new BatchNormalization({ momentum: 0.9, name: 'block1_bn' }).apply(a));
  const c = new Conv2D(16, 3, { padding: 'same', useBias: false, name: 'block2_conv' }).apply(b);
  const d = new BatchNormalization({ momentum: 0.9, name: 'block2_bn' }).apply(c);
  const sum = new ReLU({ name: 'skip_relu' }).apply(new Add({ name: 'skip' }).apply([stem, d]));
  const pooled = new Dropout(0.1, { name: 'dropout' }).apply(new GlobalAveragePooling2D({ name: 'gap' }).apply(sum));
  const out = new Dense(10, { activation: 'softmax', name: 'classes' }).apply(pooled);
  return new Model({ inputs: x, outputs: out, name: 'residual_cnn', seed: 7 });
}

const cells = (text: string): string[] => text.split('\n').map((l) => l.trim().split(/\s{2,}/).join(' '));

test('the residual CNN summary: shapes, parameter counts and the Connected to column', () => {
  const text = residualCnn().summary(() => {});
  const rows = cells(text);
  const expected = [
    'Layer (type) Output Shape Param # Connected to',
    'image (InputLayer) (None, 28, 28, 1) 0 -',
    'stem (Conv2D) (None, 14, 14, 16) 160 image[0][0]',
    'pool (MaxPooling2D) (None, 7, 7, 16) 0 stem[0][0]',
    'block1_conv (Conv2D) (None, 7, 7, 16) 2,304 pool[0][0]',
    'block1_bn (BatchNormalization) (None, 7, 7, 16) 64 block1_conv[0][0]',
    'block1_relu (ReLU) (None, 7, 7, 16) 0 block1_bn[0][0]',
    'block2_conv (Conv2D) (None, 7, 7, 16) 2,304 block1_relu[0][0]',
    'block2_bn (BatchNormalization) (None, 7, 7, 16) 64 block2_conv[0][0]',
    'skip (Add) (None, 7, 7, 16) 0 pool[0][0],',
    'block2_bn[0][0]',
    'skip_relu (ReLU) (None, 7, 7, 16) 0 skip[0][0]',
    'gap (GlobalAveragePooling2D) (None, 16) 0 skip_relu[0][0]',
    'dropout (Dropout) (None, 16) 0 gap[0][0]',
    'classes (Dense) (None, 10) 170 dropout[0][0]',
  ];
  let at = -1;
  for (const row of expected) {
    const i = rows.indexOf(row);
    assert.ok(i > at, `row '${row}' missing or out of order in\n${text}`);
    at = i;
  }
  // 160 + 2,304 * 2 + 64 * 2 + 170; BatchNormalization's moving mean and variance are non-trainable.
  assert.ok(rows.includes('Total params: 5,066'), text);
  assert.ok(rows.includes('Trainable params: 5,002'), text);
  assert.ok(rows.includes('Non-trainable params: 64'), text);
});

test('the residual CNN trains on an MNIST subset to >= 85% test accuracy', async () => {
  const { trainImages, trainLabels, testImages, testLabels } = loadMnist({ limitTrain: 2000, limitTest: 500 });
  const model = residualCnn();
  // The rate decays to near zero so the weights settle and the moving statistics catch up with them.
  const schedule = new CosineDecay({ initialLearningRate: 0.01, decaySteps: 4 * Math.ceil(2000 / 32), alpha: 0.02 });
  model.compile({ optimizer: new Adam({ learningRate: schedule }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const started = Date.now();
  const history = await model.fit(trainImages, trainLabels, { epochs: 4, batchSize: 32, verbose: 0, seed: 1 });
  const losses = history.history.loss;
  assert.ok(losses[3] < losses[0], `training loss fell: ${losses.join(', ')}`);
  const [, accuracy] = model.evaluate(testImages, testLabels, { verbose: 0 });
  assert.ok(accuracy >= 0.85, `test accuracy ${accuracy} after ${(Date.now() - started) / 1000}s`);
  // Inference uses the moving statistics, which training moved away from their initial 0 / 1.
  const bn = model.getLayer('block1_bn') as BatchNormalization;
  assert.ok(Array.from(bn.movingMean?.dataSync() ?? []).some((v) => Math.abs(v) > 1e-3));
});
