// A batch of consecutive rows of the input tensor is a view of it (host-data.ts gatherBatch): no
// copy, the same results as copied batches, the input left intact, and no tensor or storage left
// behind.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { engine, memory } from '../backend/engine.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { Flatten } from '../layers/flatten.js';
import { MaxPooling2D } from '../layers/max-pooling2d.js';
import type { Tensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/variable.js';
import { input as symbolicInput } from '../layers/input.js';
import { Model } from './functional.js';
import { Sequential } from './sequential.js';
import { BAR_SIZE, barImages } from './test-data.js';

function barModel(): Sequential {
  const model = new Sequential({ seed: 3 });
  model.add(new Conv2D(4, 3, { activation: 'relu', inputShape: [BAR_SIZE, BAR_SIZE, 1] }));
  model.add(new MaxPooling2D(2));
  model.add(new Flatten());
  model.add(new Dense(2, { activation: 'softmax' }));
  return model;
}

/** How many batches `fn` copied into new storage (engine.makeTensorWith is gatherBatch's copy). */
function copiesDuring<R>(fn: () => R): { result: R; copies: number } {
  const original = engine.makeTensorWith;
  let copies = 0;
  engine.makeTensorWith = function (this: typeof engine, ...args: Parameters<typeof original>) {
    copies++;
    return original.apply(this, args);
  } as typeof original;
  try {
    return { result: fn(), copies };
  } finally {
    engine.makeTensorWith = original;
  }
}

test('predict reads its batches as views of the input and equals copied batches', () => {
  const model = barModel();
  const { x } = barImages(24, 5);
  const xValues = x.dataSync().slice();
  const v = new Variable(x);
  model.predict(x, { batchSize: 24 }).release(); // warm up: builds, workspaces
  const before = memory();
  const whole = copiesDuring(() => model.predict(x, { batchSize: 32 }));
  assert.equal(whole.copies, 0, 'a batch covering the whole input is a view of it');
  const parts = copiesDuring(() => model.predict(x, { batchSize: 5 }));
  assert.equal(parts.copies, 0, 'batches of consecutive rows are views of the input, the short last one too');
  const copied = copiesDuring(() => model.predict(v, { batchSize: 5 }));
  assert.equal(copied.copies, 5, "a Variable's batches are copied, one per batch");
  assert.deepEqual(whole.result.dataSync(), copied.result.dataSync());
  assert.deepEqual(parts.result.dataSync(), copied.result.dataSync());
  parts.result.release();
  // The view was released with its step; the input kept its storage and values.
  whole.result.release();
  copied.result.release();
  assert.deepEqual(memory(), before);
  assert.deepEqual(x.dataSync(), xValues);
});

test('a Variable input is copied (its values change in place), and a later assign is seen', () => {
  const model = barModel();
  const { x } = barImages(8, 6);
  const v = new Variable(x);
  const first = copiesDuring(() => model.predict(v, { batchSize: 8 }));
  assert.equal(first.copies, 1);
  assert.deepEqual(first.result.dataSync(), model.predict(x, { batchSize: 8 }).dataSync());
  const { x: other } = barImages(8, 7);
  v.assign(other);
  assert.deepEqual(model.predict(v, { batchSize: 8 }).dataSync(), model.predict(other, { batchSize: 8 }).dataSync());
});

test('full-batch fit and evaluate without shuffling read the input through a view and leave it intact', async () => {
  const model = barModel();
  model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
  const { x, y } = barImages(16, 8);
  const xValues = x.dataSync().slice();
  const history = await model.fit(x, y, { epochs: 3, batchSize: 16, shuffle: false, verbose: 0 });
  const losses = history.history.loss as number[];
  assert.ok(losses[2]! < losses[0]!, `loss should fall: ${losses.join(', ')}`);
  assert.deepEqual(x.dataSync(), xValues);
  const viewed = copiesDuring(() => model.evaluate(x, y, { batchSize: 16, verbose: 0 })[0]!);
  assert.equal(viewed.copies, 0, 'x and y are both views');
  const copied = model.evaluate(x, y, { batchSize: 5, verbose: 0 })[0]!;
  assert.ok(Math.abs(viewed.result - copied) < 1e-6, `${viewed.result} vs ${copied}`);
});

test('one-batch outputs are returned as they are, each a tensor of its own', () => {
  const { x } = barImages(6, 9);
  const xValues = x.dataSync().slice();
  // A Flatten alone: the output is a view of the input's storage.
  const flat = new Sequential({ layers: [new Flatten({ inputShape: [BAR_SIZE, BAR_SIZE, 1] })] });
  const before = memory();
  const y = flat.predict(x, { batchSize: 8 });
  assert.deepEqual(y.shape, [6, BAR_SIZE * BAR_SIZE]);
  assert.deepEqual(y.dataSync(), xValues);
  y.release();
  assert.deepEqual(x.dataSync(), xValues, 'releasing the output leaves the input');
  assert.deepEqual(memory(), before);
  // The same output twice, and an output that is the input: distinct tensors, each releasable.
  const input = symbolicInput({ shape: [BAR_SIZE, BAR_SIZE, 1] });
  const pooled = new MaxPooling2D(2).apply(input);
  const twice = new Model({ inputs: input, outputs: [pooled, pooled, input] });
  for (const outs of [twice.predict(x, { batchSize: 6 }) as Tensor[], twice.predictOnBatch(x) as Tensor[]]) {
    assert.equal(new Set(outs).size, 3);
    assert.ok(!outs.includes(x));
    assert.deepEqual(outs[0]!.dataSync(), outs[1]!.dataSync());
    assert.deepEqual(outs[2]!.dataSync(), xValues);
    for (const o of outs) o.release();
    assert.deepEqual(x.dataSync(), xValues);
  }
  assert.deepEqual(memory(), before);
});
