import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../backend/engine.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { Flatten } from '../layers/flatten.js';
import { input } from '../layers/input.js';
import { Add, Concatenate } from '../layers/merge.js';
import { SymbolicTensor } from '../layers/symbolic-tensor.js';
import { tensor } from '../ops/index.js';
import { SGD } from '../optimizers/sgd.js';
import { Model } from './functional.js';

test('input() and apply() give symbolic tensors with Keras shapes; apply still computes on real tensors', () => {
  const x = input({ shape: [6, 6, 1] });
  assert.deepEqual(x.shape, [null, 6, 6, 1]);
  const conv = new Conv2D(2, 3, { kernelInitializer: 'ones' });
  const y = conv.apply(x);
  assert.ok(y instanceof SymbolicTensor);
  assert.deepEqual(y.shape, [null, 4, 4, 2]);
  const real = conv.apply(tensor(new Float32Array(36).fill(1), [1, 6, 6, 1]));
  assert.deepEqual(real.shape, [1, 4, 4, 2]);
  assert.equal(real.dataSync()[0], 9);
  assert.throws(() => new Dense(2).apply(y), /Layer "dense(_\d+)?" \(Dense\): expected input \[None, features\], got shape \[None, 4, 4, 2\]/);
});

test('two inputs, two outputs, a shared layer: shapes, weights counted once, outputs as computed by hand', () => {
  const a = input({ shape: [3], name: 'left' });
  const b = input({ shape: [3], name: 'right' });
  const shared = new Dense(2, { kernelInitializer: 'ones', name: 'shared' });
  const sum = new Add({ name: 'sum' }).apply([shared.apply(a), shared.apply(b)]);
  const both = new Concatenate({ name: 'both' }).apply([a, b]);
  const model = new Model({ inputs: [a, b], outputs: [sum, both], name: 'two_heads' });
  assert.equal(model.countParams(), 3 * 2 + 2);
  assert.deepEqual(model.outputShape, [[null, 2], [null, 6]]);
  const [s, c] = model.predict([tensor([[1, 2, 3]]), tensor([[4, 5, 6]])]) as ReturnType<typeof tensor>[];
  assert.deepEqual(Array.from(s.dataSync()), [21, 21]);
  assert.deepEqual(Array.from(c.dataSync()), [1, 2, 3, 4, 5, 6]);
  const rows = model.summary(() => {}).split('\n').map((l) => l.trim().split(/\s{2,}/).join(' '));
  assert.ok(rows.includes('shared (Dense) (None, 2) 8 left[0][0],'), rows.join('\n'));
  assert.ok(rows.includes('right[0][0]'));
  assert.ok(rows.includes('sum (Add) (None, 2) 0 shared[0][0],'));
  assert.ok(rows.includes('shared[1][0]'), 'the second call of the shared layer is its node 1');
});

test('a two-output model trains with per-output losses, loss weights and prefixed metrics', async () => {
  const x = input({ shape: [2] });
  const h = new Dense(4, { activation: 'tanh' }).apply(x);
  const reg = new Dense(1, { name: 'reg' }).apply(h);
  const cls = new Dense(2, { activation: 'softmax', name: 'cls' }).apply(h);
  const model = new Model({ inputs: x, outputs: [reg, cls], seed: 3 });
  model.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: { reg: 'mse', cls: 'categorical_crossentropy' }, lossWeights: [1, 0.5], metrics: { cls: ['accuracy'] } });
  assert.deepEqual(model.metricsNames, ['loss', 'reg_loss', 'cls_loss', 'cls_accuracy']);
  const xs = tensor([[0, 1], [1, 0], [1, 1], [0, 0]]);
  const ys = [tensor([[1], [-1], [0], [0]]), tensor([[1, 0], [0, 1], [1, 0], [0, 1]])];
  const [total, r, c] = model.testOnBatch(xs, ys);
  assert.ok(Math.abs(total - (r + 0.5 * c)) < 1e-5, `total ${total} = ${r} + 0.5 * ${c}`);
  const history = await model.fit(xs, ys, { epochs: 30, batchSize: 4, verbose: 0 });
  assert.ok(history.history.loss[29] < history.history.loss[0] / 2, `${history.history.loss}`);
});

test('a graph whose output does not depend on the inputs is rejected; so is a non-input tensor as input', () => {
  const a = input({ shape: [3], name: 'a_in' });
  const b = input({ shape: [3], name: 'b_in' });
  const y = new Dense(1).apply(b);
  assert.throws(() => new Model({ inputs: a, outputs: y }), /graph disconnected: layer "dense(_\d+)?" needs input "b_in", which is not among the model's inputs \("a_in"\)/);
  assert.throws(() => new Model({ inputs: y, outputs: y }), /inputs must be tensors made by input\(\)/);
  const model = new Model({ inputs: b, outputs: y });
  assert.throws(() => model.predict(tensor([[1, 2]])), /input "b_in" expects shape \[None, 3\], got \[1, 2\]/);
});

test('the same seed gives the same functional model weights', () => {
  const build = () => {
    const x = input({ shape: [4, 4, 1] });
    return new Model({ inputs: x, outputs: new Dense(2).apply(new Flatten().apply(new Conv2D(2, 3).apply(x))), seed: 11 });
  };
  assert.deepEqual(build().getWeights().map((w) => Array.from(w.dataSync())), build().getWeights().map((w) => Array.from(w.dataSync())));
});
