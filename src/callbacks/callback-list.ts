/**
 * The callbacks of one `fit`/`evaluate`/`predict` call: every hook is forwarded to each callback
 * in order, awaiting each before the next, so a callback may rely on an earlier one having run
 * (e.g. History before an early-stopping check).
 */
import type { Callback, CallbackModel, Logs, TrainingParams } from './callback.js';

type BatchHook = 'onTrainBatchBegin' | 'onTrainBatchEnd' | 'onTestBatchBegin' | 'onTestBatchEnd' | 'onPredictBatchBegin' | 'onPredictBatchEnd';
type PhaseHook = 'onTrainBegin' | 'onTrainEnd' | 'onTestBegin' | 'onTestEnd' | 'onPredictBegin' | 'onPredictEnd';

export class CallbackList {
  readonly callbacks: Callback[];

  constructor(callbacks: readonly Callback[] = []) {
    this.callbacks = [...callbacks];
  }

  append(callback: Callback): void {
    this.callbacks.push(callback);
  }

  setModel(model: CallbackModel): void {
    for (const c of this.callbacks) c.setModel(model);
  }

  setParams(params: TrainingParams): void {
    for (const c of this.callbacks) c.setParams(params);
  }

  onTrainBegin(logs?: Logs): Promise<void> { return this.phase('onTrainBegin', logs); }
  onTrainEnd(logs?: Logs): Promise<void> { return this.phase('onTrainEnd', logs); }
  onTestBegin(logs?: Logs): Promise<void> { return this.phase('onTestBegin', logs); }
  onTestEnd(logs?: Logs): Promise<void> { return this.phase('onTestEnd', logs); }
  onPredictBegin(logs?: Logs): Promise<void> { return this.phase('onPredictBegin', logs); }
  onPredictEnd(logs?: Logs): Promise<void> { return this.phase('onPredictEnd', logs); }

  async onEpochBegin(epoch: number, logs?: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onEpochBegin(epoch, logs);
  }

  async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onEpochEnd(epoch, logs);
  }

  onTrainBatchBegin(batch: number, logs?: Logs): Promise<void> { return this.batch('onTrainBatchBegin', batch, logs); }
  onTrainBatchEnd(batch: number, logs?: Logs): Promise<void> { return this.batch('onTrainBatchEnd', batch, logs); }
  onTestBatchBegin(batch: number, logs?: Logs): Promise<void> { return this.batch('onTestBatchBegin', batch, logs); }
  onTestBatchEnd(batch: number, logs?: Logs): Promise<void> { return this.batch('onTestBatchEnd', batch, logs); }
  onPredictBatchBegin(batch: number, logs?: Logs): Promise<void> { return this.batch('onPredictBatchBegin', batch, logs); }
  onPredictBatchEnd(batch: number, logs?: Logs): Promise<void> { return this.batch('onPredictBatchEnd', batch, logs); }

  private async phase(hook: PhaseHook, logs?: Logs): Promise<void> {
    for (const c of this.callbacks) await c[hook](logs);
  }

  private async batch(hook: BatchHook, batch: number, logs?: Logs): Promise<void> {
    for (const c of this.callbacks) await c[hook](batch, logs);
  }
}
