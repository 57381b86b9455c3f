import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linearData, tinyModel, weightValues } from './callback-test-util.js';
import { EarlyStopping } from './early-stopping.js';
import { LambdaCallback } from './lambda-callback.js';
import type { Logs } from './callback.js';

/** Puts `scores[epoch]` into the logs as 'score' (it runs before EarlyStopping). */
function scripted(scores: number[]) {
  return new LambdaCallback({
    onEpochEnd: (epoch: number, logs?: Logs) => {
      if (logs !== undefined) logs.score = scores[epoch];
    },
  });
}

test('EarlyStopping stops after patience epochs without improvement and restores the best weights', async () => {
  const { x, y } = linearData(32);
  const model = tinyModel(3);
  const perEpoch: number[][][] = [];
  const record = new LambdaCallback({ onEpochEnd: () => { perEpoch.push(weightValues(model)); } });
  const stop = new EarlyStopping({ monitor: 'score', mode: 'min', patience: 2, restoreBestWeights: true });
  // Best at epoch 2 (0-based); epochs 3 and 4 do not improve, so fit stops after epoch 4 of 10.
  const history = await model.fit(x, y, { epochs: 10, batchSize: 8, verbose: 0, callbacks: [scripted([5, 4, 1, 2, 3, 0, 0, 0, 0, 0]), record, stop] });
  assert.deepEqual(history.epoch, [0, 1, 2, 3, 4]);
  assert.equal(stop.stoppedEpoch, 4);
  assert.equal(stop.bestEpoch, 2);
  assert.equal(stop.best, 1);
  assert.notDeepEqual(perEpoch[4], perEpoch[2], 'training changed the weights after the best epoch');
  assert.deepEqual(weightValues(model), perEpoch[2]);
});

test('EarlyStopping: minDelta, baseline, startFromEpoch and max mode', async () => {
  const { x, y } = linearData(16);
  const run = async (scores: number[], options: ConstructorParameters<typeof EarlyStopping>[0]) => {
    const model = tinyModel(4);
    const h = await model.fit(x, y, { epochs: scores.length, batchSize: 16, verbose: 0, callbacks: [scripted(scores), new EarlyStopping({ monitor: 'score', ...options })] });
    return h.epoch.length;
  };
  // Improvements smaller than minDelta do not count.
  assert.equal(await run([1, 0.99, 0.98, 0.97, 0.5], { mode: 'min', patience: 2, minDelta: 0.05 }), 3);
  assert.equal(await run([1, 0.99, 0.98, 0.97, 0.5], { mode: 'min', patience: 2 }), 5);
  // Without beating the baseline the wait is not reset by the first value (Keras).
  assert.equal(await run([1, 1, 1, 1, 1, 1], { mode: 'min', patience: 3, baseline: 0.1 }), 3);
  assert.equal(await run([1, 1, 1, 1, 1, 1], { mode: 'min', patience: 3 }), 4);
  // Warm-up epochs are not monitored.
  assert.equal(await run([1, 2, 3, 4, 5, 6], { mode: 'min', patience: 1, startFromEpoch: 3 }), 5);
  assert.equal(await run([0.1, 0.5, 0.4, 0.3], { mode: 'max', patience: 1 }), 3);
});

test('EarlyStopping in auto mode minimises val_loss on real training and maximises accuracy names', async () => {
  const { x, y } = linearData(40);
  const model = tinyModel(5);
  const stop = new EarlyStopping({ patience: 1 });
  const h = await model.fit(x, y, { epochs: 4, batchSize: 8, verbose: 0, validationSplit: 0.25, callbacks: [stop] });
  // Plain SGD on this problem keeps lowering val_loss, so every epoch runs.
  assert.equal(h.epoch.length, 4);
  assert.equal(stop.best, h.history.val_loss.at(-1));
  assert.throws(() => new EarlyStopping({ mode: 'best' as never }), /mode must be 'auto', 'min' or 'max'/);
  const unknown = new EarlyStopping({ monitor: 'weird' });
  unknown.setModel(model);
  assert.throws(() => unknown.onEpochEnd(0, { weird: 1 }), /cannot tell whether 'weird'/);
});
