import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SGD } from '../optimizers/sgd.js';
import type { Variable } from '../tensor/variable.js';
import { linearData, tinyModel, weightValues } from './callback-test-util.js';
import { LambdaCallback } from './lambda-callback.js';
import { SwapEMAWeights } from './swap-ema-weights.js';

function averagesOf(optimizer: SGD, weights: Variable[]): number[][] {
  return weights.map((w) => Array.from((optimizer.ema?.entries().get(w) as Variable).dataSync()));
}

test('SwapEMAWeights validates with the EMA weights and trains on the raw ones', async () => {
  const { x, y } = linearData(48);
  const optimizer = new SGD({ learningRate: 0.2, useEma: true, emaMomentum: 0.8 });
  const model = tinyModel(11, optimizer);
  const seen: { raw?: number[][]; ema?: number[][]; inTest?: number[][]; afterTest?: number[][]; nextTrain?: number[][] } = {};
  const probe = new LambdaCallback({
    onTestBegin: () => { seen.inTest ??= weightValues(model); },
    onTestEnd: () => { seen.afterTest ??= weightValues(model); },
  });
  const before = new LambdaCallback({
    onTrainBatchEnd: (batch) => {
      if (batch === 3 && seen.raw === undefined) {
        seen.raw = weightValues(model);
        seen.ema = averagesOf(optimizer, model.trainableWeights);
      }
    },
    onEpochBegin: (epoch) => { if (epoch === 1) seen.nextTrain = weightValues(model); },
  });
  const validation = linearData(16, 99);
  const h = await model.fit(x, y, { epochs: 2, batchSize: 12, verbose: 0, validationData: [validation.x, validation.y], callbacks: [before, new SwapEMAWeights(), probe] });
  assert.notDeepEqual(seen.ema, seen.raw, 'the averages differ from the weights');
  assert.deepEqual(seen.inTest, seen.ema, 'validation ran with the averages');
  assert.deepEqual(seen.afterTest, seen.raw, 'the raw weights came back after validation');
  assert.deepEqual(seen.nextTrain, seen.raw, 'training continued from the raw weights');
  // fit ends on the averages (finalizeVariableValues), exactly what the last validation used.
  const [valLoss] = model.evaluate(validation.x, validation.y, { verbose: 0 });
  assert.ok(Math.abs(valLoss - (h.history.val_loss.at(-1) as number)) < 1e-6, `${valLoss} vs ${h.history.val_loss.at(-1)}`);
});

test('swapOnEpoch leaves the EMA weights in the model at each epoch end for later callbacks', async () => {
  const { x, y } = linearData(24);
  const optimizer = new SGD({ learningRate: 0.2, useEma: true, emaMomentum: 0.7 });
  const model = tinyModel(12, optimizer);
  const atEnd: number[][][] = [];
  const emaBefore: number[][][] = [];
  const rawBefore: number[][][] = [];
  const atBegin: number[][][] = [];
  const first = new LambdaCallback({
    onEpochEnd: () => { emaBefore.push(averagesOf(optimizer, model.trainableWeights)); rawBefore.push(weightValues(model)); },
  });
  const last = new LambdaCallback({
    onEpochEnd: () => { atEnd.push(weightValues(model)); },
    onEpochBegin: () => { atBegin.push(weightValues(model)); },
  });
  await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, callbacks: [first, new SwapEMAWeights({ swapOnEpoch: true }), last] });
  assert.deepEqual(atEnd, emaBefore, 'callbacks after SwapEMAWeights see the averages');
  assert.deepEqual(atBegin.slice(1), rawBefore.slice(0, 2), 'each epoch trains from the raw weights');
  assert.deepEqual(weightValues(model), emaBefore[2], 'the model ends on the averages');
});

test('SwapEMAWeights needs an optimizer with useEma', async () => {
  const { x, y } = linearData(8);
  const model = tinyModel(1);
  await assert.rejects(model.fit(x, y, { epochs: 1, verbose: 0, validationSplit: 0.5, callbacks: [new SwapEMAWeights()] }), /create it with useEma: true/);
});
