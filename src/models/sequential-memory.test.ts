// Its own file (own process): garbage from other tests must not be collected mid-measurement.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memory } from '../backend/engine.js';
import { Callback } from '../callbacks/callback.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { Flatten } from '../layers/flatten.js';
import { MaxPooling2D } from '../layers/max-pooling2d.js';
import { Sequential } from './sequential.js';
import { BAR_SIZE, barImages } from './test-data.js';

test('live tensors and backend handles stay flat across epochs, predict and evaluate', async () => {
  const model = new Sequential({ seed: 1 });
  model.add(new Conv2D(4, 3, { activation: 'relu', inputShape: [BAR_SIZE, BAR_SIZE, 1] }));
  model.add(new MaxPooling2D(2));
  model.add(new Flatten());
  model.add(new Dense(2, { activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  const { x, y } = barImages(40, 2);
  const counts: { tensors: number; handles: number }[] = [];
  class Count extends Callback {
    override onEpochEnd(): void {
      const m = memory();
      counts.push({ tensors: m.tensors, handles: m.handles });
    }
  }
  await model.fit(x, y, { epochs: 4, batchSize: 8, validationSplit: 0.2, verbose: 0, callbacks: [new Count()] });
  assert.equal(counts.length, 4);
  // The optimizer's slot variables appear in the first step; from then on nothing may accumulate.
  for (const c of counts.slice(1)) assert.deepEqual(c, counts[0]);
  const before = memory();
  model.evaluate(x, y, { verbose: 0 });
  const p = model.predict(x);
  const after = memory();
  // predict's result is the one new tensor.
  assert.equal(after.tensors, before.tensors + 1);
  assert.equal(after.handles, before.handles + 1);
  assert.deepEqual(p.shape, [40, 2]);
});
