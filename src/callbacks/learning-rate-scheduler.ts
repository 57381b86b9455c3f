/**
 * LearningRateScheduler: at the start of each epoch sets the optimizer's learning rate to
 * `schedule(epoch, currentRate)` (Keras 3); the rate in use is logged as 'learning_rate'.
 *
 * Example: `new LearningRateScheduler((epoch, lr) => (epoch < 10 ? lr : lr * Math.exp(-0.1)))`.
 */
import { Callback } from './callback.js';
import type { Logs } from './callback.js';
import { optimizerOf } from './model-access.js';

export type Schedule = (epoch: number, learningRate: number) => number;

const WHO = 'LearningRateScheduler';

export class LearningRateScheduler extends Callback {
  constructor(readonly schedule: Schedule, readonly verbose = 0) {
    super();
    if (typeof schedule !== 'function') throw new Error(`${WHO}: schedule must be a function (epoch, learningRate) => learningRate, got ${typeof schedule}`);
  }

  override onEpochBegin(epoch: number, _logs?: Logs): void {
    const optimizer = optimizerOf(this, WHO);
    const rate = this.schedule(epoch, optimizer.learningRate);
    if (typeof rate !== 'number' || !Number.isFinite(rate)) throw new Error(`${WHO}: the schedule must return a finite number, got ${String(rate)} at epoch ${epoch}`);
    optimizer.learningRate = rate;
    if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${rate}.`);
  }

  override onEpochEnd(_epoch: number, logs?: Logs): void {
    if (logs !== undefined) logs.learning_rate = optimizerOf(this, WHO).learningRate;
  }
}
