/**
 * A callback built from plain functions, for one-off hooks without a subclass.
 * Example: `new LambdaCallback({ onEpochEnd: (epoch, logs) => console.log(epoch, logs?.loss) })`.
 */
import { Callback } from './callback.js';
import type { Logs } from './callback.js';

type Hook<A extends unknown[]> = ((...args: A) => void | Promise<void>) | undefined;

export interface LambdaCallbackOptions {
  onTrainBegin?: Hook<[Logs?]>;
  onTrainEnd?: Hook<[Logs?]>;
  onEpochBegin?: Hook<[number, Logs?]>;
  onEpochEnd?: Hook<[number, Logs?]>;
  onTrainBatchBegin?: Hook<[number, Logs?]>;
  onTrainBatchEnd?: Hook<[number, Logs?]>;
  onTestBegin?: Hook<[Logs?]>;
  onTestEnd?: Hook<[Logs?]>;
  onTestBatchBegin?: Hook<[number, Logs?]>;
  onTestBatchEnd?: Hook<[number, Logs?]>;
  onPredictBegin?: Hook<[Logs?]>;
  onPredictEnd?: Hook<[Logs?]>;
  onPredictBatchBegin?: Hook<[number, Logs?]>;
  onPredictBatchEnd?: Hook<[number, Logs?]>;
}

export class LambdaCallback extends Callback {
  constructor(private readonly hooks: LambdaCallbackOptions = {}) {
    super();
  }

  override onTrainBegin(logs?: Logs) { return this.hooks.onTrainBegin?.(logs); }
  override onTrainEnd(logs?: Logs) { return this.hooks.onTrainEnd?.(logs); }
  override onEpochBegin(epoch: number, logs?: Logs) { return this.hooks.onEpochBegin?.(epoch, logs); }
  override onEpochEnd(epoch: number, logs?: Logs) { return this.hooks.onEpochEnd?.(epoch, logs); }
  override onTrainBatchBegin(batch: number, logs?: Logs) { return this.hooks.onTrainBatchBegin?.(batch, logs); }
  override onTrainBatchEnd(batch: number, logs?: Logs) { return this.hooks.onTrainBatchEnd?.(batch, logs); }
  override onTestBegin(logs?: Logs) { return this.hooks.onTestBegin?.(logs); }
  override onTestEnd(logs?: Logs) { return this.hooks.onTestEnd?.(logs); }
  override onTestBatchBegin(batch: number, logs?: Logs) { return this.hooks.onTestBatchBegin?.(batch, logs); }
  override onTestBatchEnd(batch: number, logs?: Logs) { return this.hooks.onTestBatchEnd?.(batch, logs); }
  override onPredictBegin(logs?: Logs) { return this.hooks.onPredictBegin?.(logs); }
  override onPredictEnd(logs?: Logs) { return this.hooks.onPredictEnd?.(logs); }
  override onPredictBatchBegin(batch: number, logs?: Logs) { return this.hooks.onPredictBatchBegin?.(batch, logs); }
  override onPredictBatchEnd(batch: number, logs?: Logs) { return this.hooks.onPredictBatchEnd?.(batch, logs); }
}
