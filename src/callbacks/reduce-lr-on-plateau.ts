/**
 * ReduceLROnPlateau: multiplies the learning rate by `factor` once the monitored value has not
 * improved for `patience` epochs, then waits `cooldown` epochs before counting again; never below
 * `minLr` (Keras 3). The rate is logged as 'learning_rate'.
 *
 * Example: `new ReduceLROnPlateau({ monitor: 'val_loss', factor: 0.2, patience: 5, minLr: 1e-4 })`.
 */
import { Callback } from './callback.js';
import type { Logs } from './callback.js';
import { optimizerOf } from './model-access.js';
import { checkMode, directionByName, improves, type MonitorMode, monitoredValue } from './monitor.js';

export interface ReduceLROnPlateauOptions {
  monitor?: string;
  /** The rate is multiplied by this (default 0.1; must be below 1). */
  factor?: number;
  /** Epochs without improvement before the rate is reduced (default 10). */
  patience?: number;
  verbose?: number;
  mode?: MonitorMode;
  /** Smallest change that counts as improvement (default 1e-4). */
  minDelta?: number;
  /** Epochs after a reduction during which no further reduction happens (default 0). */
  cooldown?: number;
  /** Lower bound of the learning rate (default 0). */
  minLr?: number;
}

const WHO = 'ReduceLROnPlateau';

export class ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly verbose: number;
  readonly mode: MonitorMode;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  wait = 0;
  cooldownCounter = 0;
  best = Infinity;
  private readonly direction: 'min' | 'max';

  constructor(options: ReduceLROnPlateauOptions = {}) {
    super();
    this.monitor = options.monitor ?? 'val_loss';
    this.factor = options.factor ?? 0.1;
    if (!(this.factor < 1 && this.factor >= 0)) throw new Error(`${WHO}: factor must be in [0, 1), got ${this.factor}`);
    this.patience = options.patience ?? 10;
    this.verbose = options.verbose ?? 0;
    this.mode = checkMode(WHO, options.mode ?? 'auto');
    this.minDelta = options.minDelta ?? 1e-4;
    this.cooldown = options.cooldown ?? 0;
    this.minLr = options.minLr ?? 0;
    for (const [name, v] of [['patience', this.patience], ['cooldown', this.cooldown]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new Error(`${WHO}: ${name} must be an integer >= 0, got ${v}`);
    }
    if (!(this.minLr >= 0)) throw new Error(`${WHO}: minLr must be >= 0, got ${this.minLr}`);
    this.direction = directionByName(this.monitor, this.mode);
    this.reset();
  }

  private reset(): void {
    this.best = this.direction === 'min' ? Infinity : -Infinity;
    this.cooldownCounter = 0;
    this.wait = 0;
  }

  override onTrainBegin(_logs?: Logs): void {
    this.reset();
  }

  override onEpochEnd(epoch: number, logs?: Logs): void {
    const optimizer = optimizerOf(this, WHO);
    if (logs !== undefined) logs.learning_rate = optimizer.learningRate;
    const current = monitoredValue(WHO, this.monitor, logs);
    if (current === undefined) return;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (improves(this.direction, current, this.best, this.minDelta)) {
      this.best = current;
      this.wait = 0;
      return;
    }
    if (this.cooldownCounter > 0 || ++this.wait < this.patience) return;
    const old = optimizer.learningRate;
    // Keras compares with the float32 minLr, so a rate already at its floor is left alone.
    if (old > Math.fround(this.minLr)) {
      const rate = Math.max(old * this.factor, this.minLr);
      optimizer.learningRate = rate;
      if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${rate}.`);
      this.cooldownCounter = this.cooldown;
      this.wait = 0;
    }
  }
}
