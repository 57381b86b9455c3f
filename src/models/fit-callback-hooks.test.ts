import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linearData, tinyModel, weightValues } from '../callbacks/callback-test-util.js';
import { Callback, type Logs } from '../callbacks/index.js';
import { LambdaCallback } from '../callbacks/lambda-callback.js';
import { tensor } from '../ops/create.js';

test('fit\'s validation fires the test hooks, onTestEnd getting the unprefixed validation logs', async () => {
  const { x, y } = linearData(20);
  const model = tinyModel(1);
  const events: string[] = [];
  const cb = new LambdaCallback({
    onTestBegin: () => { events.push('testBegin'); },
    onTestBatchBegin: (b) => { events.push(`testBatch${b}`); },
    onTestEnd: (logs?: Logs) => { events.push(`testEnd:${Object.keys(logs ?? {}).join(',')}:${logs?.loss}`); },
    onEpochEnd: (_e, logs?: Logs) => { events.push(`epochEnd:${logs?.val_loss}`); },
  });
  await model.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0, validationSplit: 0.2, callbacks: [cb] });
  const valLoss = model.history?.history.val_loss[0];
  assert.deepEqual(events, ['testBegin', 'testBatch0', 'testBatch1', `testEnd:loss:${valLoss}`, `epochEnd:${valLoss}`]);
});

test('each epoch shuffles from the seed and the epoch alone, so initialEpoch resumes the same run', async () => {
  const { x, y } = linearData(24);
  const full = tinyModel(2);
  const atEpoch2: number[][] = [];
  const grab = new LambdaCallback({ onEpochEnd: (e) => { if (e === 1) atEpoch2.push(...weightValues(full)); } });
  await full.fit(x, y, { epochs: 4, batchSize: 5, seed: 9, verbose: 0, callbacks: [grab] });
  const resumed = tinyModel(2);
  resumed.setWeights(atEpoch2.map((w, i) => tensor(w, full.weights[i].shape)));
  const h = await resumed.fit(x, y, { epochs: 4, batchSize: 5, seed: 9, verbose: 0, initialEpoch: 2 });
  assert.deepEqual(h.epoch, [2, 3]);
  assert.deepEqual(weightValues(resumed), weightValues(full));
  // A different seed shuffles differently.
  const other = tinyModel(2);
  other.setWeights(atEpoch2.map((w, i) => tensor(w, full.weights[i].shape)));
  await other.fit(x, y, { epochs: 4, batchSize: 5, seed: 10, verbose: 0, initialEpoch: 2 });
  assert.notDeepEqual(weightValues(other), weightValues(full));
});

test('a callback sets model.resumeEpoch in onTrainBegin to start fit there; it is read once', async () => {
  const { x, y } = linearData(8);
  const model = tinyModel(3);
  class Resume extends Callback {
    override onTrainBegin(): void {
      (this.model as { resumeEpoch?: number | null }).resumeEpoch = 3;
    }
  }
  const h = await model.fit(x, y, { epochs: 5, verbose: 0, callbacks: [new Resume()] });
  assert.deepEqual(h.epoch, [3, 4]);
  assert.equal(model.resumeEpoch, null);
  assert.deepEqual((await model.fit(x, y, { epochs: 2, verbose: 0 })).epoch, [0, 1]);
});

test('a ProgbarLogger passed to fit replaces the default one (samples count mode)', async () => {
  const { x, y } = linearData(10);
  const model = tinyModel(4);
  const calls: string[] = [];
  const renderer = { start: (total: number) => { calls.push(`start ${total}`); }, update: (n: number) => { calls.push(`update ${n}`); }, stop: () => { calls.push('stop'); } };
  const { ProgbarLogger } = await import('../callbacks/progbar-logger.js');
  await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 1, callbacks: [new ProgbarLogger({ countMode: 'samples', renderer })] });
  assert.deepEqual(calls, ['start 10', 'update 4', 'update 8', 'update 10', 'stop']);
});
