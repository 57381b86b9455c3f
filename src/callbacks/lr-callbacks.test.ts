import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SGD } from '../optimizers/sgd.js';
import { ExponentialDecay } from '../optimizers/schedules.js';
import type { Logs } from './callback.js';
import { linearData, tinyModel } from './callback-test-util.js';
import { LambdaCallback } from './lambda-callback.js';
import { LearningRateScheduler } from './learning-rate-scheduler.js';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';
import { TerminateOnNaN } from './terminate-on-nan.js';

test('LearningRateScheduler sets the rate each epoch from (epoch, rate) and logs it', async () => {
  const { x, y } = linearData(16);
  const optimizer = new SGD({ learningRate: 0.1 });
  const model = tinyModel(1, optimizer);
  const during: number[] = [];
  const probe = new LambdaCallback({ onTrainBatchEnd: () => { during.push(optimizer.learningRate); } });
  const h = await model.fit(x, y, { epochs: 4, batchSize: 16, verbose: 0, callbacks: [new LearningRateScheduler((epoch, lr) => (epoch === 0 ? lr : lr / 2)), probe] });
  assert.deepEqual(during, [0.1, 0.05, 0.025, 0.0125]);
  assert.deepEqual(h.history.learning_rate, [0.1, 0.05, 0.025, 0.0125]);
  const bad = tinyModel(1);
  await assert.rejects(bad.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new LearningRateScheduler(() => NaN)] }), /schedule must return a finite number/);
  const scheduled = tinyModel(1, new SGD({ learningRate: new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 }) }));
  await assert.rejects(scheduled.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new LearningRateScheduler((_, lr) => lr)] }), /cannot be set/);
});

test('ReduceLROnPlateau multiplies the rate by factor after patience epochs, with cooldown and minLr', async () => {
  const { x, y } = linearData(16);
  const optimizer = new SGD({ learningRate: 1 });
  const model = tinyModel(2, optimizer);
  // A plateau from epoch 1 on: a reduction every second epoch (patience 2; the cooldown epoch resets
  // the wait, then counts), down to minLr; once at minLr nothing changes.
  const scores = [1, 2, 2, 2, 2, 2, 2, 2, 2];
  const inject = new LambdaCallback({ onEpochEnd: (epoch: number, logs?: Logs) => { if (logs) logs.score = scores[epoch]; } });
  const rates: number[] = [];
  const probe = new LambdaCallback({ onEpochEnd: () => { rates.push(optimizer.learningRate); } });
  const plateau = new ReduceLROnPlateau({ monitor: 'score', factor: 0.5, patience: 2, cooldown: 1, minLr: 0.2 });
  const h = await model.fit(x, y, { epochs: scores.length, batchSize: 16, verbose: 0, callbacks: [inject, plateau, probe] });
  assert.deepEqual(rates, [1, 1, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2, 0.2]);
  // The logged rate is the one the epoch trained with.
  assert.deepEqual(h.history.learning_rate, [1, 1, 1, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2]);
  assert.throws(() => new ReduceLROnPlateau({ factor: 1 }), /factor must be in \[0, 1\)/);
});

test('TerminateOnNaN stops fit after the batch whose loss is NaN', async () => {
  const { x, y } = linearData(32);
  // A huge learning rate makes the loss overflow to Infinity and then NaN within a few batches.
  const model = tinyModel(3, new SGD({ learningRate: 1e6 }));
  let batches = 0;
  const count = new LambdaCallback({ onTrainBatchEnd: () => { batches++; } });
  const h = await model.fit(x, y, { epochs: 20, batchSize: 4, verbose: 0, callbacks: [count, new TerminateOnNaN()] });
  assert.ok(batches < 20 * 8, `stopped early after ${batches} batches`);
  assert.ok(model.stopTraining);
  assert.ok(h.epoch.length <= 1 || !Number.isFinite(h.history.loss.at(-1) as number), `history ${JSON.stringify(h.history.loss)}`);
  const plain = tinyModel(3, new SGD({ learningRate: 1e6 }));
  let all = 0;
  await plain.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [new LambdaCallback({ onTrainBatchEnd: () => { all++; } })] });
  assert.equal(all, 16, 'without the callback every batch runs');
});
