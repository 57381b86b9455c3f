import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { linearData, tinyModel } from '../../callbacks/callback-test-util.js';
import { CSVLogger } from './csv-logger.js';

function rows(text: string, sep = ','): string[][] {
  assert.ok(text.endsWith('\r\n'), 'rows end with \\r\\n as Python csv writes them');
  return text.slice(0, -2).split('\r\n').map((line) => line.split(sep));
}

test('CSVLogger writes a header and one row per epoch; append adds rows under one header', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fovea-csv-'));
  try {
    const file = join(dir, 'log.csv');
    const { x, y } = linearData(20);
    const model = tinyModel(3);
    const h = await model.fit(x, y, { epochs: 3, batchSize: 5, verbose: 0, validationSplit: 0.2, callbacks: [new CSVLogger(file)] });
    const first = rows(await readFile(file, 'utf8'));
    assert.deepEqual(first[0], ['epoch', 'loss', 'val_loss']);
    assert.equal(first.length, 1 + 3);
    first.slice(1).forEach((r, i) => assert.deepEqual(r.map(Number), [i, h.history.loss[i], h.history.val_loss[i]]));

    const h2 = await model.fit(x, y, { epochs: 2, batchSize: 5, verbose: 0, validationSplit: 0.2, callbacks: [new CSVLogger(file, { append: true })] });
    const appended = rows(await readFile(file, 'utf8'));
    assert.equal(appended.length, 1 + 3 + 2);
    assert.deepEqual(appended.slice(0, 4), first);
    assert.deepEqual(appended[5].map(Number), [1, h2.history.loss[1], h2.history.val_loss[1]]);

    await model.fit(x, y, { epochs: 2, batchSize: 5, verbose: 0, callbacks: [new CSVLogger(file, { separator: ';' })] });
    const replaced = rows(await readFile(file, 'utf8'), ';');
    assert.deepEqual(replaced.map((r) => r[0]), ['epoch', '0', '1']);
    assert.deepEqual(replaced[0], ['epoch', 'loss']);
    assert.deepEqual((await readdir(dir)).sort(), ['log.csv'], 'no temporary files remain');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('CSVLogger append to an empty file writes the header; values print like Python floats', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fovea-csv-'));
  try {
    const file = join(dir, 'empty.csv');
    await writeFile(file, '');
    const logger = new CSVLogger(file, { append: true });
    await logger.onTrainBegin();
    await logger.onEpochEnd(0, { loss: 1, lr: 1e-5 });
    await logger.onEpochEnd(1, { loss: 0.5 });
    assert.equal(await readFile(file, 'utf8'), 'epoch,loss,lr\r\n0,1.0,1e-05\r\n1,0.5,NA\r\n');
    assert.throws(() => new CSVLogger(file, { separator: ';;' }), /separator must be one character/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
