/**
 * fit, evaluateAsync and predictAsync hand the thread back to the event loop between batches
 * (macrotasks, so a page could paint), and yielding never changes a result.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { weightValues } from '../callbacks/callback-test-util.js';
import { LambdaCallback } from '../callbacks/lambda-callback.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { Flatten } from '../layers/flatten.js';
import { MaxPooling2D } from '../layers/max-pooling2d.js';
import { Dataset } from '../data/dataset.js';
import { AUTO_YIELD_MS, EventLoopPacer, nextMacrotask, type YieldEvery } from './event-loop-yield.js';
import { Sequential } from './sequential.js';
import { BAR_SIZE, barImages } from './test-data.js';

function barCnn(): Sequential {
  const model = new Sequential({ seed: 3 });
  model.add(new Conv2D(4, 3, { activation: 'relu', inputShape: [BAR_SIZE, BAR_SIZE, 1] }));
  model.add(new MaxPooling2D([2, 2]));
  model.add(new Flatten());
  model.add(new Dense(2, { activation: 'softmax' }));
  model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

/** Counts the event loop's turns (setImmediate callbacks) while `work` runs. */
async function macrotasksDuring<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let running = true;
  const tick = (): void => {
    if (!running) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  const started = turns;
  const result = await work();
  const during = turns - started;
  running = false;
  return { result, turns: during };
}

/** Busy-waits `ms` (a batch as long as a real training step), never yielding. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* busy */ }
}

test('fit yields to the event loop during training: ~every 30 ms of work by default', async () => {
  const { x, y } = barImages(64, 1);
  const model = barCnn();
  // Each batch takes 12 ms (a seed-CNN step is ~10 ms): 16 batches are ~190 ms of work.
  const slowBatches = new LambdaCallback({ onTrainBatchEnd: () => spin(12) });
  const { turns } = await macrotasksDuring(() => model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, callbacks: [slowBatches] }));
  // 190 ms / 30 ms gives ~6 yields (and one at the epoch end); never one per batch.
  assert.ok(turns >= 4 && turns <= 16, `the event loop turned ${turns} times during fit`);
});

test('fit yields after every batch with yieldEvery "batch", and not at all with "never"', async () => {
  const { x, y } = barImages(32, 1);
  const perBatch = await macrotasksDuring(() => barCnn().fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, yieldEvery: 'batch' }));
  assert.ok(perBatch.turns >= 16, `16 batches, the event loop turned ${perBatch.turns} times`);
  const never = await macrotasksDuring(() => barCnn().fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, yieldEvery: 'never' }));
  assert.equal(never.turns, 0);
});

test('fit gives identical weights and history whether it yields every batch, automatically or never', async () => {
  const { x, y } = barImages(48, 2);
  const results: { weights: number[][]; history: Record<string, number[]> }[] = [];
  // One fit at a time: concurrent fits would interleave their steps on the shared engine.
  for (const yieldEvery of ['never', 'batch', 'auto', 'epoch', 5] as YieldEvery[]) {
    const model = barCnn();
    const h = await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, validationSplit: 0.25, yieldEvery });
    results.push({ weights: weightValues(model), history: h.history });
  }
  for (const r of results.slice(1)) assert.deepEqual(r, results[0]);
});

test('evaluateAsync and predictAsync give the sync results, yielding between batches', async () => {
  const { x, y } = barImages(40, 4);
  const model = barCnn();
  await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
  const evaluated = model.evaluate(x, y, { batchSize: 4, verbose: 0 });
  const predicted = model.predict(x, { batchSize: 4 }).dataSync();
  const asyncEval = await macrotasksDuring(() => model.evaluateAsync(x, y, { batchSize: 4, verbose: 0, yieldEvery: 'batch' }));
  assert.deepEqual(asyncEval.result, evaluated);
  assert.ok(asyncEval.turns >= 10, `10 batches, the event loop turned ${asyncEval.turns} times`);
  const asyncPredict = await macrotasksDuring(() => model.predictAsync(x, { batchSize: 4, yieldEvery: 'batch' }));
  assert.deepEqual(asyncPredict.result.dataSync(), predicted);
  assert.deepEqual(asyncPredict.result.shape, [40, 2]);
  assert.ok(asyncPredict.turns >= 10, `10 batches, the event loop turned ${asyncPredict.turns} times`);
  // The default policy and a Dataset give the same numbers too.
  assert.deepEqual(await model.evaluateAsync(x, y, { batchSize: 4, verbose: 0 }), evaluated);
  const ds = Dataset.fromTensors([x, y]).batch(4);
  assert.deepEqual((await model.predictAsync(ds, { yieldEvery: 'batch' })).dataSync(), predicted);
  const dsEval = await macrotasksDuring(() => model.evaluateAsync(ds, { verbose: 0, yieldEvery: 'batch' }));
  assert.ok(Math.abs(dsEval.result[0] - evaluated[0]) < 1e-6, `loss ${dsEval.result[0]} vs ${evaluated[0]}`);
  assert.ok(dsEval.turns >= 10, `a Dataset of 10 batches, the event loop turned ${dsEval.turns} times`);
});

test('yieldEvery is checked: a bad value names the method; the sync forms refuse it', async () => {
  const { x, y } = barImages(8, 5);
  const model = barCnn();
  await assert.rejects(model.fit(x, y, { verbose: 0, yieldEvery: 'sometimes' as YieldEvery }), /^Error: fit: yieldEvery must be 'auto', 'batch', 'epoch', 'never' or a number of milliseconds >= 0, got 'sometimes'$/);
  await assert.rejects(model.predictAsync(x, { yieldEvery: -1 }), /predictAsync: yieldEvery must be .* got -1/);
  assert.throws(() => model.evaluate(x, y, { verbose: 0, yieldEvery: 'batch' }), /evaluate: yieldEvery applies to evaluateAsync/);
  assert.throws(() => model.predict(x, { yieldEvery: 'batch' }), /predict: yieldEvery applies to predictAsync/);
});

test('the pacer yields only once the interval has passed, and nextMacrotask lets timers run', async () => {
  const pacer = new EventLoopPacer('auto');
  await pacer.batchDone();
  assert.equal(pacer.yields, 0, 'no yield before any work');
  spin(AUTO_YIELD_MS + 2);
  await pacer.batchDone();
  assert.equal(pacer.yields, 1);
  let fired = false;
  setImmediate(() => (fired = true));
  await nextMacrotask();
  assert.ok(fired, 'a macrotask queued before the yield ran during it');
});
