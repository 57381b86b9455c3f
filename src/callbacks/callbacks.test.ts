import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Callback, CallbackList, History, LambdaCallback } from './index.js';
import type { Logs } from './index.js';

describe('CallbackList', () => {
  it('fans out model and params, and awaits each hook in order', async () => {
    const events: string[] = [];
    class Slow extends Callback {
      constructor(private readonly tag: string, private readonly delay: number) { super(); }
      override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
        await new Promise((r) => setTimeout(r, this.delay));
        events.push(`${this.tag}:end${epoch}:${logs?.loss}`);
      }
      override onTrainBatchEnd(batch: number): void { events.push(`${this.tag}:batch${batch}`); }
    }
    const a = new Slow('a', 20);
    const b = new Slow('b', 0);
    const list = new CallbackList([a, b]);
    const model = { stopTraining: false };
    list.setModel(model);
    list.setParams({ epochs: 2, steps: 3, verbose: 0 });
    assert.equal(a.model, model);
    assert.deepEqual(b.params, { epochs: 2, steps: 3, verbose: 0 });
    await list.onTrainBatchEnd(4);
    await list.onEpochEnd(1, { loss: 0.5 });
    // a's slow hook finishes before b's starts.
    assert.deepEqual(events, ['a:batch4', 'b:batch4', 'a:end1:0.5', 'b:end1:0.5']);
  });

  it('every hook exists and returns a promise', async () => {
    const list = new CallbackList([new Callback()]);
    for (const hook of ['onTrainBegin', 'onTrainEnd', 'onTestBegin', 'onTestEnd', 'onPredictBegin', 'onPredictEnd'] as const) {
      assert.ok(list[hook]() instanceof Promise, hook);
    }
    for (const hook of ['onEpochBegin', 'onEpochEnd', 'onTrainBatchBegin', 'onTrainBatchEnd', 'onTestBatchBegin', 'onTestBatchEnd', 'onPredictBatchBegin', 'onPredictBatchEnd'] as const) {
      assert.ok(list[hook](0) instanceof Promise, hook);
    }
  });
});

describe('History', () => {
  it('records each epoch key by key', async () => {
    const h = new History();
    const list = new CallbackList([h]);
    await list.onTrainBegin();
    await list.onEpochEnd(0, { loss: 1, accuracy: 0.5 });
    await list.onEpochEnd(1, { loss: 0.5, accuracy: 0.75, val_loss: 0.7 });
    assert.deepEqual(h.epoch, [0, 1]);
    assert.deepEqual(h.history, { loss: [1, 0.5], accuracy: [0.5, 0.75], val_loss: [0.7] });
    await list.onTrainBegin();
    assert.deepEqual(h.epoch, []);
  });
});

describe('LambdaCallback', () => {
  it('calls the given functions and ignores the others', async () => {
    const seen: string[] = [];
    const cb = new LambdaCallback({
      onEpochEnd: (epoch, logs) => { seen.push(`epoch ${epoch} ${logs?.loss}`); },
      onTrainEnd: async () => { await Promise.resolve(); seen.push('done'); },
    });
    const list = new CallbackList([cb]);
    await list.onTrainBegin();
    await list.onTrainBatchEnd(0, { loss: 3 });
    await list.onEpochEnd(0, { loss: 2 });
    await list.onTrainEnd();
    assert.deepEqual(seen, ['epoch 0 2', 'done']);
  });

  it('can stop training through the model', async () => {
    const model = { stopTraining: false };
    const cb = new LambdaCallback({ onEpochEnd: () => { cb.model!.stopTraining = true; } });
    cb.setModel(model);
    await cb.onEpochEnd(0, {});
    assert.equal(model.stopTraining, true);
  });
});
