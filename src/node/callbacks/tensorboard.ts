/**
 * TensorBoard: writes event files TensorBoard reads, as Keras 3 lays them out: `<logDir>/train`
 * gets 'epoch_<name>' scalars (loss, metrics, learning_rate) per epoch and, with `updateFreq`,
 * 'batch_<name>' scalars every that many batches; `<logDir>/validation` gets the validation values
 * ('val_' dropped) as 'epoch_<name>' and 'evaluation_<name>_vs_iterations' at the optimizer step;
 * with `histogramFreq` n > 0, every n-th epoch a histogram of each weight ('<weight>/histogram').
 *
 * Example: `new TensorBoard({ logDir: 'logs/run1', histogramFreq: 1 })`, then
 * `tensorboard --logdir logs`.
 */
import { join } from 'node:path';
import { Callback } from '../../callbacks/callback.js';
import type { Logs } from '../../callbacks/callback.js';
import { histogramOf, type Histogram } from '../../callbacks/event-proto.js';
import { trainingModel } from '../../callbacks/model-access.js';
import { EventFileWriter } from './event-file-writer.js';

export interface TensorBoardOptions {
  /** Folder of the run (default 'logs'). */
  logDir?: string;
  /** Write weight histograms every this many epochs (default 0: never). */
  histogramFreq?: number;
  /** 'epoch' (default), 'batch' (every batch) or a number of batches between batch-level scalars. */
  updateFreq?: 'epoch' | 'batch' | number;
  /** Also log 'steps_per_second' each epoch (default false). */
  writeStepsPerSecond?: boolean;
}

const WHO = 'TensorBoard';
const BATCH_KEYS = new Set(['batch', 'size', 'num_steps']);

export class TensorBoard extends Callback {
  readonly logDir: string;
  readonly histogramFreq: number;
  readonly updateFreq: 'epoch' | number;
  readonly writeStepsPerSecond: boolean;
  private train: EventFileWriter | null = null;
  private validation: EventFileWriter | null = null;
  private globalTrainBatch = 0;
  private epochStart = 0;
  private epochBatches = 0;

  constructor(options: TensorBoardOptions = {}) {
    super();
    this.logDir = options.logDir ?? 'logs';
    this.histogramFreq = options.histogramFreq ?? 0;
    if (!Number.isInteger(this.histogramFreq) || this.histogramFreq < 0) throw new Error(`${WHO}: histogramFreq must be an integer >= 0, got ${this.histogramFreq}`);
    const freq = options.updateFreq ?? 'epoch';
    if (freq !== 'epoch' && freq !== 'batch' && !(Number.isInteger(freq) && freq >= 1)) {
      throw new Error(`${WHO}: updateFreq must be 'epoch', 'batch' or an integer >= 1, got ${JSON.stringify(freq)}`);
    }
    this.updateFreq = freq === 'batch' ? 1 : freq;
    this.writeStepsPerSecond = options.writeStepsPerSecond ?? false;
  }

  /** The event files written by the current or last fit (train, then validation when there was one). */
  get eventFiles(): string[] {
    return [this.train?.path, this.validation?.path].filter((p): p is string => p !== undefined);
  }

  override onTrainBegin(_logs?: Logs): void {
    this.train = new EventFileWriter(join(this.logDir, 'train'));
    this.validation = null;
    this.globalTrainBatch = 0;
  }

  private validationWriter(): EventFileWriter {
    return (this.validation ??= new EventFileWriter(join(this.logDir, 'validation')));
  }

  override onEpochBegin(_epoch: number, _logs?: Logs): void {
    this.epochStart = performance.now();
    this.epochBatches = 0;
  }

  override async onTrainBatchEnd(_batch: number, logs: Logs = {}): Promise<void> {
    this.globalTrainBatch++;
    this.epochBatches++;
    if (this.updateFreq === 'epoch' || this.globalTrainBatch % this.updateFreq !== 0) return;
    const values = Object.fromEntries(Object.entries(logs).filter(([k]) => !BATCH_KEYS.has(k)).map(([k, v]) => [`batch_${k}`, v]));
    await this.train?.scalars(values, this.globalTrainBatch);
  }

  override async onTestEnd(logs: Logs = {}): Promise<void> {
    const optimizer = trainingModel(this, WHO).optimizer;
    if (optimizer === null) return;
    const values = Object.fromEntries(Object.entries(logs).map(([k, v]) => [`evaluation_${k}_vs_iterations`, v]));
    await this.validationWriter().scalars(values, optimizer.iterations);
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    const train: Record<string, number> = {};
    const val: Record<string, number> = {};
    for (const [k, v] of Object.entries(logs)) {
      if (k.startsWith('val_')) val[`epoch_${k.slice(4)}`] = v;
      else train[`epoch_${k}`] = v;
    }
    const optimizer = trainingModel(this, WHO).optimizer;
    if (optimizer !== null) train.epoch_learning_rate = optimizer.learningRate;
    if (this.writeStepsPerSecond) train.epoch_steps_per_second = this.epochBatches / ((performance.now() - this.epochStart) / 1000);
    await this.train?.scalars(train, epoch);
    if (Object.keys(val).length > 0) await this.validationWriter().scalars(val, epoch);
    if (this.histogramFreq > 0 && epoch % this.histogramFreq === 0) await this.logWeights(epoch);
  }

  private async logWeights(epoch: number): Promise<void> {
    const histograms = new Map<string, Histogram>();
    for (const w of trainingModel(this, WHO).weights) histograms.set(`${w.name.replaceAll(':', '_')}/histogram`, histogramOf(w.dataSync()));
    await this.train?.histograms(histograms, epoch);
  }

  override async onTrainEnd(_logs?: Logs): Promise<void> {
    await this.train?.close();
    await this.validation?.close();
  }
}
