/**
 * History: every epoch's logs, key by key (`history.loss[3]` is the 4th epoch's loss). `fit`
 * always adds one and returns it, as in Keras.
 */
import { Callback } from './callback.js';
import type { Logs } from './callback.js';

export class History extends Callback {
  /** Epoch indices seen in the latest `fit` (0-based, as Keras). */
  epoch: number[] = [];
  history: Record<string, number[]> = {};

  override onTrainBegin(_logs?: Logs): void {
    this.epoch = [];
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) (this.history[key] ??= []).push(value);
  }
}
