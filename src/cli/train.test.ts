import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelByName } from './summary.js';
import { runTrainMnist } from './train.js';

describe('fovea train mnist --json', () => {
  it('prints start, one event per epoch, then the result, one JSON object per line', async () => {
    const lines: string[] = [];
    const result = await runTrainMnist({ epochs: 2, batchSize: 32, limit: 96, seed: 3, json: true }, (l) => lines.push(l));
    const events = lines.map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => e.event), ['start', 'epoch', 'epoch', 'result']);
    assert.equal(events[0].trainSamples, 96);
    assert.equal(events[0].params, 93322);
    assert.deepEqual(events.slice(1, 3).map((e) => e.epoch), [1, 2]);
    for (const e of events.slice(1, 3)) assert.ok(Number.isFinite(e.loss) && e.accuracy >= 0 && e.accuracy <= 1, JSON.stringify(e));
    const last = events[3];
    assert.deepEqual(last, { event: 'result', ...result });
    assert.equal(last.epochSeconds.length, 2);
    assert.ok(last.testAccuracy >= 0 && last.testAccuracy <= 1 && Number.isFinite(last.testLoss));
  });
});

describe('fovea summary', () => {
  it('knows mnist-cnn and names the available models otherwise', () => {
    const lines: string[] = [];
    modelByName('mnist-cnn').summary((l) => lines.push(l));
    assert.match(lines.join('\n'), /Total params: 93,322/);
    assert.throws(() => modelByName('resnet'), /unknown model 'resnet'; available: mnist-cnn/);
  });
});
