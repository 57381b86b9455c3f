/**
 * BackupAndRestore: makes `fit` survive being killed (Keras 3). At every epoch end (and, with a
 * numeric `saveFreq`, every that many batches) it writes the model's weights, the optimizer's
 * state (step count, slots, EMA averages, learning rate) and the epoch reached to
 * `<backupDir>/training-state.safetensors`, atomically (a killed backup leaves the previous one,
 * and the next backup removes its temporary file). When `fit` starts with a backup there,
 * the state is restored and training resumes at the saved epoch; when `fit` completes, the
 * backup file is deleted, and the folder if nothing else is in it (unless `deleteCheckpoint` is false).
 *
 * A backup made mid-epoch resumes at the start of that epoch with the mid-epoch weights, as in
 * Keras. With epoch backups, a run resumed after a crash ends with exactly the weights of an
 * uninterrupted run, since fit's shuffling depends only on the seed and the epoch.
 *
 * Example: `await model.fit(x, y, { epochs: 20, seed: 1, callbacks: [new BackupAndRestore({ backupDir: '/tmp/backup' })] })`.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, rmdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Callback } from '../../callbacks/callback.js';
import type { Logs } from '../../callbacks/callback.js';
import { trainingModel } from '../../callbacks/model-access.js';
import { encodeTrainingState, restoreTrainingState } from '../../callbacks/training-state.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { readModelFile } from '../io/read-model-file.js';

export interface BackupAndRestoreOptions {
  /** Folder holding the backup; must not be shared with other runs. */
  backupDir: string;
  /** 'epoch' (default) or a number of batches between backups. */
  saveFreq?: 'epoch' | number;
  /** Delete the backup when fit completes (default true). */
  deleteCheckpoint?: boolean;
}

const WHO = 'BackupAndRestore';
export const BACKUP_FILE = 'training-state.safetensors';

export class BackupAndRestore extends Callback {
  readonly backupDir: string;
  readonly saveFreq: 'epoch' | number;
  readonly deleteCheckpoint: boolean;
  /** The epoch the last fit resumed at (null when it started afresh). */
  resumedAt: number | null = null;
  private currentEpoch = 0;
  private batchesSinceSave = 0;

  constructor(options: BackupAndRestoreOptions) {
    super();
    if (typeof options?.backupDir !== 'string' || options.backupDir === '') throw new Error(`${WHO}: backupDir must be a non-empty path, got ${JSON.stringify(options?.backupDir)}`);
    this.backupDir = resolve(options.backupDir);
    const freq = options.saveFreq ?? 'epoch';
    if (freq !== 'epoch' && !(Number.isInteger(freq) && freq >= 1)) throw new Error(`${WHO}: saveFreq must be 'epoch' or an integer >= 1, got ${JSON.stringify(freq)}`);
    this.saveFreq = freq;
    this.deleteCheckpoint = options.deleteCheckpoint ?? true;
  }

  get backupPath(): string {
    return join(this.backupDir, BACKUP_FILE);
  }

  override async onTrainBegin(_logs?: Logs): Promise<void> {
    const model = trainingModel(this, WHO);
    this.resumedAt = null;
    this.batchesSinceSave = 0;
    if (!existsSync(this.backupPath)) return;
    // A backup holds the weights, a few optimizer slots per weight (Adam with amsgrad and EMA: 4) and metadata.
    const weightBytes = model.weights.reduce((n, w) => n + w.size * 4, 0);
    const bytes = await readModelFile(this.backupPath, { maxBytes: 6 * weightBytes + (1 << 20), why: "a backup of this model's training state may have" });
    const progress = restoreTrainingState(model, bytes, this.backupPath, WHO);
    this.resumedAt = progress.epoch;
    this.currentEpoch = progress.epoch;
    model.resumeEpoch = progress.epoch;
  }

  override onEpochBegin(epoch: number, _logs?: Logs): void {
    this.currentEpoch = epoch;
  }

  override async onTrainBatchEnd(batch: number, _logs?: Logs): Promise<void> {
    if (this.saveFreq === 'epoch' || ++this.batchesSinceSave < this.saveFreq) return;
    this.batchesSinceSave = 0;
    await this.save(this.currentEpoch, batch + 1);
  }

  override async onEpochEnd(epoch: number, _logs?: Logs): Promise<void> {
    if (this.saveFreq === 'epoch') await this.save(epoch + 1, 0);
  }

  override async onTrainEnd(_logs?: Logs): Promise<void> {
    if (!this.deleteCheckpoint) return;
    await rm(this.backupPath, { force: true });
    // The folder goes too unless the user keeps other files there.
    await rmdir(this.backupDir).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT' && e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
    });
  }

  private async save(epoch: number, batch: number): Promise<void> {
    await mkdir(this.backupDir, { recursive: true });
    await writeFileAtomic(this.backupPath, encodeTrainingState(trainingModel(this, WHO), { epoch, batch }, WHO));
  }
}
