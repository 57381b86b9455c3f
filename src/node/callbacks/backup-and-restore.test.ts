import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { linearData, tinyModel, weightValues } from '../../callbacks/callback-test-util.js';
import { LambdaCallback } from '../../callbacks/lambda-callback.js';
import { LearningRateScheduler } from '../../callbacks/learning-rate-scheduler.js';
import { readSafetensors } from '../../io/safetensors.js';
import { Adam } from '../../optimizers/adam.js';
import { SGD } from '../../optimizers/sgd.js';
import { BACKUP_FILE, BackupAndRestore } from './backup-and-restore.js';
import { withTempDir } from '../temp-dir-test-util.js';

const withDir = (run: (dir: string) => Promise<void>) => withTempDir('bar', run);

const crashAt = (epoch: number, batch: number) => {
  let now = 0;
  return new LambdaCallback({
    onEpochBegin: (e) => { now = e; },
    onTrainBatchEnd: (b) => { if (now === epoch && b === batch) throw new Error('simulated crash'); },
  });
};

test('a crashed fit resumes at the backed-up epoch with weights, optimizer state, EMA and learning rate', () => withDir(async (dir) => {
  const { x, y } = linearData(32);
  const make = () => tinyModel(3, new SGD({ learningRate: 0.1, momentum: 0.9, useEma: true }));
  const fitOptions = { epochs: 4, batchSize: 8, verbose: 0, seed: 5 };
  // The scheduler halves the current rate every epoch, so a resumed run must restore the rate too.
  const schedule = () => new LearningRateScheduler((epoch, lr) => (epoch === 0 ? lr : lr / 2));
  const reference = make();
  await reference.fit(x, y, { ...fitOptions, callbacks: [schedule()] });

  const backupDir = join(dir, 'backup');
  const first = make();
  await assert.rejects(first.fit(x, y, { ...fitOptions, callbacks: [new BackupAndRestore({ backupDir }), schedule(), crashAt(2, 1)] }), /simulated crash/);
  const saved = readSafetensors(new Uint8Array(await readFile(join(backupDir, BACKUP_FILE))));
  assert.equal(saved.metadata.epoch, '2');
  assert.equal(saved.metadata.learningRate, '0.05');

  // A new model (other automatic layer names) resumes from the backup.
  const second = make();
  const backup = new BackupAndRestore({ backupDir });
  const h = await second.fit(x, y, { ...fitOptions, callbacks: [backup, schedule()] });
  assert.equal(backup.resumedAt, 2);
  assert.deepEqual(h.epoch, [2, 3]);
  assert.equal(second.optimizer?.iterations, reference.optimizer?.iterations);
  assert.equal(second.optimizer?.learningRate, reference.optimizer?.learningRate);
  assert.deepEqual(weightValues(second), weightValues(reference));
  assert.equal(existsSync(backupDir), false);
}));

test('saveFreq backs up every n batches; deleteCheckpoint false keeps the backup; other files keep the folder', () => withDir(async (dir) => {
  const { x, y } = linearData(32);
  const backupDir = join(dir, 'b');
  const batches: string[] = [];
  const peek = new LambdaCallback({
    onTrainBatchEnd: async () => {
      const file = join(backupDir, BACKUP_FILE);
      if (existsSync(file)) {
        const m = readSafetensors(new Uint8Array(await readFile(file))).metadata;
        batches.push(`${m.epoch}:${m.batch}`);
      }
    },
  });
  const model = tinyModel(4, new Adam());
  await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [new BackupAndRestore({ backupDir, saveFreq: 3, deleteCheckpoint: false }), peek] });
    // 4 batches per epoch; saves after batch 3 of epoch 0 and batch 2 of epoch 1 (counted across epochs).
  assert.deepEqual(batches, ['0:3', '0:3', '0:3', '1:2', '1:2', '1:2']);
  assert.ok(existsSync(join(backupDir, BACKUP_FILE)));
  await writeFile(join(backupDir, 'notes.txt'), 'mine');
  await tinyModel(4, new Adam()).fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [new BackupAndRestore({ backupDir })] });
  assert.equal(existsSync(join(backupDir, BACKUP_FILE)), false);
  assert.ok(existsSync(join(backupDir, 'notes.txt')), 'the user file and its folder stay');
}));

test('a backup from another optimizer or architecture is refused before anything changes', () => withDir(async (dir) => {
  const { x, y } = linearData(16);
  const backupDir = join(dir, 'b');
  await assert.rejects(tinyModel(1, new Adam()).fit(x, y, { epochs: 2, verbose: 0, callbacks: [new BackupAndRestore({ backupDir }), crashAt(1, 0)] }), /simulated crash/);
  const sgd = tinyModel(1, new SGD());
  const before = weightValues(sgd);
  await assert.rejects(sgd.fit(x, y, { epochs: 2, verbose: 0, callbacks: [new BackupAndRestore({ backupDir })] }), /saved with optimizer Adam, the model is compiled with SGD/);
  assert.deepEqual(weightValues(sgd), before);
  assert.throws(() => new BackupAndRestore({ backupDir: '' }), /backupDir must be a non-empty path/);
}));
