import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CallbackList, createDefaultProgressRenderer, LineProgressRenderer, ProgbarLogger, setDefaultProgressRenderer } from './index.js';
import type { ProgressRenderer, TrainingParams } from './index.js';
import { formatEta, formatPerUnit, formatValue, progressBar } from './progress-format.js';

class Recorder implements ProgressRenderer {
  calls: string[] = [];
  start(total: number, label: string): void { this.calls.push(`start ${total} ${label}`); }
  update(current: number, text: string): void { this.calls.push(`update ${current} ${text}`); }
  stop(finalText: string): void { this.calls.push(`stop ${finalText}`); }
}

/** Drives one fit-like sequence with a fake clock advancing `msPerStep` per batch. */
async function run(logger: ProgbarLogger, params: TrainingParams, msPerStep: number): Promise<void> {
  let t = 1000;
  const list = new CallbackList([logger]);
  list.setParams(params);
  (logger as unknown as { now: () => number }).now = () => t;
  await list.onTrainBegin();
  for (let epoch = 0; epoch < params.epochs; epoch++) {
    await list.onEpochBegin(epoch);
    for (let b = 0; b < params.steps; b++) {
      t += msPerStep;
      await list.onTrainBatchEnd(b, { batch: b, loss: 1 / (b + 1), accuracy: 0.5 });
    }
    await list.onEpochEnd(epoch, { loss: 0.25, accuracy: 0.875, val_loss: 0.3, val_accuracy: 0.8 });
  }
  await list.onTrainEnd();
}

describe('ProgbarLogger', () => {
  it('shows Epoch i/n, step/steps, metrics, samples/s, ETA, then the Keras summary line', async () => {
    const r = new Recorder();
    await run(new ProgbarLogger({ renderer: r }), { epochs: 2, steps: 4, verbose: 1, samples: 100 }, 500);
    assert.equal(r.calls[0], 'start 4 Epoch 1/2');
    // After batch 0: 0.5 s for 1 of 4 steps -> ETA 1.5 s (rounds to 2s); 25 samples in 0.5 s.
    assert.equal(r.calls[1], 'update 1 - ETA: 2s - loss: 1.0000 - accuracy: 0.5000 - 50.0 samples/s');
    assert.equal(r.calls[4], 'update 4 - ETA: 0s - loss: 0.2500 - accuracy: 0.5000 - 50.0 samples/s');
    assert.equal(r.calls[5], 'stop 4/4 [==============================] - 2s 500ms/step - loss: 0.2500 - accuracy: 0.8750 - val_loss: 0.3000 - val_accuracy: 0.8000');
    assert.equal(r.calls[6], 'start 4 Epoch 2/2');
    assert.equal(r.calls.length, 12);
  });

  it('counts samples in samples mode and omits the label for a single epoch', async () => {
    const r = new Recorder();
    await run(new ProgbarLogger({ renderer: r, countMode: 'samples' }), { epochs: 1, steps: 3, verbose: 1, samples: 70 }, 10);
    // Batches of ceil(70 / 3) = 24: 24, 48, then the short last one ends at 70.
    assert.deepEqual(r.calls.slice(0, 4).map((c) => c.split(' - ')[0]), ['start 70 ', 'update 24', 'update 48', 'update 70']);
    assert.match(r.calls[4], /^stop 70\/70 \[=+\] - 0s 429us\/sample - loss/);
  });

  it('verbose 0 is silent; verbose 2 prints label and summary lines only', async () => {
    const r = new Recorder();
    await run(new ProgbarLogger({ renderer: r }), { epochs: 2, steps: 2, verbose: 0 }, 1);
    assert.deepEqual(r.calls, []);
    const lines: string[] = [];
    const original = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      await run(new ProgbarLogger(), { epochs: 2, steps: 2, verbose: 2 }, 1);
    } finally {
      console.log = original;
    }
    assert.equal(lines.length, 4);
    assert.equal(lines[0], 'Epoch 1/2');
    assert.match(lines[1], /^2\/2 \[=+\] - 0s 1ms\/step - loss: 0.2500/);
  });

  it('uses the default renderer set by setDefaultProgressRenderer', async () => {
    const r = new Recorder();
    setDefaultProgressRenderer(() => r);
    try {
      await run(new ProgbarLogger(), { epochs: 1, steps: 1, verbose: 1 }, 1);
      assert.equal(r.calls.length, 3);
      assert.match(r.calls[1], /steps\/s$/); // no sample count known: throughput in steps
    } finally {
      setDefaultProgressRenderer(() => new LineProgressRenderer());
    }
    assert.ok(createDefaultProgressRenderer() instanceof LineProgressRenderer);
  });

  it('rejects samples mode without a sample count and unknown modes', async () => {
    await assert.rejects(run(new ProgbarLogger({ countMode: 'samples', renderer: new Recorder() }), { epochs: 1, steps: 1, verbose: 1 }, 1), /needs params.samples/);
    assert.throws(() => new ProgbarLogger({ countMode: 'batches' as 'steps' }), /countMode must be 'steps' or 'samples', got "batches"/);
  });
});

describe('progress formatting', () => {
  it('bar, values and durations', () => {
    assert.equal(progressBar(0, 10, 10), '[..........]');
    assert.equal(progressBar(5, 10, 10), '[====>.....]');
    assert.equal(progressBar(10, 10, 10), '[==========]');
    assert.equal(formatValue(0.123456), '0.1235');
    assert.equal(formatValue(0.0000123), '1.2300e-5');
    assert.equal(formatEta(3725), '1:02:05');
    assert.equal(formatEta(125), '2:05');
    assert.equal(formatPerUnit(0.048, 'step'), '48ms/step');
    assert.equal(formatPerUnit(2.4, 'step'), '2s/step');
    assert.equal(formatPerUnit(0.00075, 'sample'), '750us/sample');
  });
});
