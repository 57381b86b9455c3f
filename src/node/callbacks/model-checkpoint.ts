/**
 * ModelCheckpoint: saves the model (or its weights) at the end of every epoch or every `saveFreq`
 * batches, under a name formatted from the epoch, batch and logs like Python's `str.format`
 * (`'ckpt-{epoch:02d}-{val_loss:.2f}.keras'`; epoch and batch count from 1), optionally only
 * when the monitored value improved (Keras 3).
 *
 * What is written, by the path's ending:
 *   - saveWeightsOnly: a `.safetensors` file of the weights, named `<layer>/<weight>` (loadable
 *     with loadModelFile(path, { architecture }) or loadSafetensorsInto);
 *   - `.keras`: a Keras 3 archive (topology and weights; any model);
 *   - anything else: a TensorFlow.js layers-format folder (or `.json` path) with the optimizer
 *     state, through `model.save` (Sequential and functional models).
 * Every checkpoint is written as a whole: a file through a temporary file renamed over it, a folder
 * as a new set of shards installed by one rename of model.json (node/io/shard-set.ts). A reader
 * sees the previous checkpoint or the new one, never a mix; a killed save leaves the previous one
 * whole, and the next save removes the killed one's temporary files.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Callback } from '../../callbacks/callback.js';
import type { Logs } from '../../callbacks/callback.js';
import { trainingModel, type TrainingModel } from '../../callbacks/model-access.js';
import { checkMode, directionByName, improves, type MonitorMode } from '../../callbacks/monitor.js';
import { formatPython } from '../../callbacks/python-format.js';
import type { LoadedModel } from '../../io/keras/model-from-config.js';
import type { SaveOptions } from '../../io/model-io.js';
import { saveModelFile } from '../io/model-formats.js';

export interface ModelCheckpointOptions {
  /** The logged value saveBestOnly compares (default 'val_loss'). */
  monitor?: string;
  verbose?: number;
  /** Save only when `monitor` improved on the best value so far (default false). */
  saveBestOnly?: boolean;
  /** Save the weights alone, as a .safetensors file (default false). */
  saveWeightsOnly?: boolean;
  mode?: MonitorMode;
  /** 'epoch' (default) or a number of batches between saves. */
  saveFreq?: 'epoch' | number;
  /** The value to beat before the first save with saveBestOnly (default none). */
  initialValueThreshold?: number;
}

const WHO = 'ModelCheckpoint';

type Savable = TrainingModel & { save(path: string, options?: SaveOptions): Promise<unknown>; lossNames: string[] };

export class ModelCheckpoint extends Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly verbose: number;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly saveFreq: 'epoch' | number;
  best: number;
  /** The paths written so far, in order. */
  readonly saved: string[] = [];
  private readonly direction: 'min' | 'max';
  private currentEpoch = 0;
  private lastBatchSeen = 0;
  private batchesSinceSave = 0;

  constructor(filepath: string, options: ModelCheckpointOptions = {}) {
    super();
    if (typeof filepath !== 'string' || filepath === '') throw new Error(`${WHO}: filepath must be a non-empty string, got ${JSON.stringify(filepath)}`);
    this.filepath = filepath;
    this.monitor = options.monitor ?? 'val_loss';
    this.verbose = options.verbose ?? 0;
    this.saveBestOnly = options.saveBestOnly ?? false;
    this.saveWeightsOnly = options.saveWeightsOnly ?? false;
    this.direction = directionByName(this.monitor, checkMode(WHO, options.mode ?? 'auto'));
    this.best = options.initialValueThreshold ?? (this.direction === 'min' ? Infinity : -Infinity);
    const freq = options.saveFreq ?? 'epoch';
    if (freq !== 'epoch' && !(Number.isInteger(freq) && freq >= 1)) throw new Error(`${WHO}: saveFreq must be 'epoch' or an integer >= 1, got ${JSON.stringify(freq)}`);
    this.saveFreq = freq;
    if (this.saveWeightsOnly && !filepath.endsWith('.safetensors')) {
      throw new Error(`${WHO}: with saveWeightsOnly the filepath must end in .safetensors (the weights file format), got '${filepath}'`);
    }
    if (!this.saveWeightsOnly && filepath.endsWith('.safetensors')) {
      throw new Error(`${WHO}: a .safetensors file holds weights only; pass saveWeightsOnly: true or name a .keras file or a folder`);
    }
  }

  override onEpochBegin(epoch: number, _logs?: Logs): void {
    this.currentEpoch = epoch;
  }

  override async onTrainBatchEnd(batch: number, logs?: Logs): Promise<void> {
    if (this.shouldSaveOnBatch(batch)) await this.saveModel(this.currentEpoch, batch, logs ?? {});
  }

  override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    if (this.saveFreq === 'epoch') await this.saveModel(epoch, null, logs ?? {});
  }

  /** Counts batches across epochs (a batch index that does not grow means a new epoch began). */
  private shouldSaveOnBatch(batch: number): boolean {
    if (this.saveFreq === 'epoch') return false;
    this.batchesSinceSave += batch <= this.lastBatchSeen ? batch + 1 : batch - this.lastBatchSeen;
    this.lastBatchSeen = batch;
    if (this.batchesSinceSave < this.saveFreq) return false;
    this.batchesSinceSave = 0;
    return true;
  }

  /** The path for this save: epoch and batch count from 1, as in Keras. */
  filePathFor(epoch: number, batch: number | null, logs: Logs): string {
    const values: Record<string, number> = { ...logs, epoch: epoch + 1 };
    const ints = new Set(['epoch']);
    if (batch !== null) {
      values.batch = batch + 1;
      ints.add('batch');
    } else delete values.batch;
    try {
      return formatPython(this.filepath, values, ints);
    } catch (e) {
      throw new Error(`${WHO}: failed to format the filepath '${this.filepath}': ${(e as Error).message}`, { cause: e });
    }
  }

  private async saveModel(epoch: number, batch: number | null, logs: Logs): Promise<void> {
    const path = this.filePathFor(epoch, batch, logs);
    if (this.saveBestOnly) {
      const current = logs[this.monitor];
      if (current === undefined) {
        console.warn(`${WHO}: can save the best model only with ${this.monitor} available, skipping`);
        return;
      }
      if (!improves(this.direction, current, this.best)) {
        if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: ${this.monitor} did not improve from ${this.best.toFixed(5)}`);
        return;
      }
      if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: ${this.monitor} improved from ${this.best.toFixed(5)} to ${current.toFixed(5)}, saving model to ${path}`);
      this.best = current;
    } else if (this.verbose > 0) {
      console.log(`\nEpoch ${epoch + 1}: saving model to ${path}`);
    }
    await this.write(path);
    this.saved.push(path);
  }

  private async write(path: string): Promise<void> {
    const model = trainingModel(this, WHO) as Savable;
    const target = resolve(path);
    const isFile = this.saveWeightsOnly || target.endsWith('.keras') || target.endsWith('.json');
    await mkdir(isFile ? dirname(target) : target, { recursive: true });
    if (this.saveWeightsOnly || target.endsWith('.keras')) {
      await saveModelFile(model as unknown as LoadedModel, target);
      return;
    }
    await model.save(target, { includeOptimizer: model.optimizer !== null && model.lossNames.length > 0 });
  }
}
