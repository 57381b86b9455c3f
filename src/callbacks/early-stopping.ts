/**
 * EarlyStopping: stops `fit` once the monitored value has not improved for `patience` epochs, as
 * Keras 3 does, and optionally puts back the weights of the best epoch when training ends.
 *
 * Example: `new EarlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true })`.
 */
import type { Tensor } from '../tensor/tensor.js';
import { Callback } from './callback.js';
import type { Logs } from './callback.js';
import { trainingModel } from './model-access.js';
import { checkMode, directionByMetric, improves, type MonitorMode, monitoredValue } from './monitor.js';

export interface EarlyStoppingOptions {
  /** The logged value to watch (default 'val_loss'). */
  monitor?: string;
  /** Smaller changes than this do not count as improvement (default 0; its sign is ignored). */
  minDelta?: number;
  /** Epochs without improvement after which training stops (default 0). */
  patience?: number;
  verbose?: number;
  /** 'min', 'max', or 'auto' (from the metric: losses down, accuracies up). */
  mode?: MonitorMode;
  /** Training stops unless the value beats this baseline within `patience` epochs (default none). */
  baseline?: number | null;
  /** At the end of training, restore the weights of the best epoch (default false). */
  restoreBestWeights?: boolean;
  /** Epochs to wait before monitoring starts (warm-up; default 0). */
  startFromEpoch?: number;
}

const WHO = 'EarlyStopping';

function nonNegativeInt(v: number, name: string): number {
  if (!Number.isInteger(v) || v < 0) throw new Error(`${WHO}: ${name} must be an integer >= 0, got ${v}`);
  return v;
}

export class EarlyStopping extends Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly verbose: number;
  readonly mode: MonitorMode;
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  /** Epochs since the last improvement. */
  wait = 0;
  /** The epoch training was stopped at (0 when it was not). */
  stoppedEpoch = 0;
  best: number | null = null;
  bestEpoch = 0;
  private bestWeights: Tensor[] | null = null;
  private direction: 'min' | 'max' | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    super();
    this.monitor = options.monitor ?? 'val_loss';
    const minDelta = options.minDelta ?? 0;
    if (!Number.isFinite(minDelta)) throw new Error(`${WHO}: minDelta must be a finite number, got ${minDelta}`);
    this.minDelta = Math.abs(minDelta);
    this.patience = nonNegativeInt(options.patience ?? 0, 'patience');
    this.verbose = options.verbose ?? 0;
    this.mode = checkMode(WHO, options.mode ?? 'auto');
    this.baseline = options.baseline ?? null;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    this.startFromEpoch = nonNegativeInt(options.startFromEpoch ?? 0, 'startFromEpoch');
  }

  override onTrainBegin(_logs?: Logs): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = null;
    this.bestWeights = null;
    this.bestEpoch = 0;
  }

  override onEpochEnd(epoch: number, logs?: Logs): void {
    const direction = (this.direction ??= directionByMetric(WHO, this.monitor, this.mode));
    const current = monitoredValue(WHO, this.monitor, logs);
    if (current === undefined || epoch < this.startFromEpoch) return;
    const model = trainingModel(this, WHO);
    // Keras: when no best was recorded yet, the current weights are the best so far.
    if (this.restoreBestWeights && this.bestWeights === null) {
      this.bestWeights = model.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait++;
    if (this.best === null || improves(direction, current, this.best, this.minDelta)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = model.getWeights();
      // The wait restarts only when the value beats both the previous best and the baseline.
      if (this.baseline === null || improves(direction, current, this.baseline, this.minDelta)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      model.stopTraining = true;
    }
  }

  override onTrainEnd(_logs?: Logs): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights !== null) {
      if (this.verbose > 0) console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      trainingModel(this, WHO).setWeights(this.bestWeights);
    }
  }
}
