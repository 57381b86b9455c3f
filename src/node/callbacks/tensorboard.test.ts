import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { linearData, tinyModel } from '../../callbacks/callback-test-util.js';
import { crc32c, maskedCrc32c } from '../../callbacks/crc32c.js';
import { decodeEvent, type TfEvent } from '../../callbacks/event-proto.js';
import { encodeTfRecord, readTfRecords } from '../../callbacks/tfrecord.js';
import { TensorBoard } from './tensorboard.js';

const f32 = Math.fround;

/** Every event of the one event file in `dir`, each record's CRCs checked. */
async function eventsIn(dir: string): Promise<{ name: string; events: TfEvent[] }> {
  const names = await readdir(dir);
  assert.equal(names.length, 1, `one event file in ${dir}: ${names}`);
  const bytes = new Uint8Array(await readFile(join(dir, names[0])));
  return { name: names[0], events: readTfRecords(bytes).map(decodeEvent) };
}

function scalars(events: TfEvent[], tag: string): [number, number][] {
  return events.flatMap((e) => (e.summary?.value ?? []).filter((v) => v.tag === tag && 'simpleValue' in v).map((v) => [e.step, (v as { simpleValue: number }).simpleValue] as [number, number]));
}

test('CRC-32C matches the standard check value and TFRecord framing detects corruption', () => {
  assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  const data = new TextEncoder().encode('hello');
  const crc = crc32c(data);
  assert.equal(maskedCrc32c(data), ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0);
  const framed = encodeTfRecord(data);
  assert.equal(framed.length, 8 + 4 + 5 + 4);
  assert.deepEqual(readTfRecords(framed), [data]);
  const flipped = framed.slice();
  flipped[13] ^= 1;
  assert.throws(() => readTfRecords(flipped), /TFRecord #0 at byte 0: data CRC mismatch/);
  const badLength = framed.slice();
  badLength[0] ^= 1;
  assert.throws(() => readTfRecords(badLength), /length CRC mismatch/);
  assert.throws(() => readTfRecords(framed.subarray(0, 15)), /truncated data/);
});

test('TensorBoard writes event files that parse back record by record, with the History values', async () => {
  const logDir = await mkdtemp(join(tmpdir(), 'fovea-tb-'));
  try {
    const { x, y } = linearData(32);
    const model = tinyModel(4);
    const tb = new TensorBoard({ logDir, histogramFreq: 2, updateFreq: 3 });
    const h = await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, validationSplit: 0.25, callbacks: [tb] });
    assert.deepEqual((await readdir(logDir)).sort(), ['train', 'validation']);

    const train = await eventsIn(join(logDir, 'train'));
    assert.match(train.name, new RegExp(`^events\\.out\\.tfevents\\.\\d{10}\\.${hostname().replace(/[.]/g, '\\.')}\\.${process.pid}\\.\\d+\\.v2$`));
    assert.equal(train.events[0].fileVersion, 'brain.Event:2');
    assert.ok(train.events.every((e) => e.wallTime > 1.6e9 && e.wallTime <= Date.now() / 1000 + 1));
    assert.deepEqual(scalars(train.events, 'epoch_loss'), h.history.loss.map((v, i) => [i, f32(v)]));
    assert.deepEqual(scalars(train.events, 'epoch_learning_rate'), [[0, f32(0.1)], [1, f32(0.1)], [2, f32(0.1)]]);
    // 3 batches per epoch, 9 in all: batch scalars at global batches 3, 6 and 9.
    assert.deepEqual(scalars(train.events, 'batch_loss').map(([s]) => s), [3, 6, 9]);

    // Histograms every 2nd epoch (0 and 2), one per weight, with the weights' statistics.
    const histos = train.events.flatMap((e) => (e.summary?.value ?? []).filter((v) => 'histo' in v).map((v) => ({ step: e.step, ...(v as { tag: string; histo: { num: number; min: number; max: number; sum: number; bucket: number[]; bucketLimit: number[] } }) })));
    assert.deepEqual(histos.map((v) => `${v.step}:${v.tag}`), [0, 2].flatMap((s) => model.weights.map((w) => `${s}:${w.name}/histogram`)));
    const last = histos.slice(-model.weights.length);
    model.weights.forEach((w, i) => {
      const values = Array.from(w.dataSync());
      assert.equal(last[i].histo.num, values.length);
      assert.equal(last[i].histo.min, Math.min(...values));
      assert.equal(last[i].histo.max, Math.max(...values));
      assert.equal(last[i].histo.bucket.reduce((a, b) => a + b, 0), values.length);
      assert.equal(last[i].histo.bucketLimit.at(-1), Math.max(...values));
    });

    const val = await eventsIn(join(logDir, 'validation'));
    assert.equal(val.events[0].fileVersion, 'brain.Event:2');
    assert.deepEqual(scalars(val.events, 'epoch_loss'), h.history.val_loss.map((v, i) => [i, f32(v)]));
    assert.deepEqual(scalars(val.events, 'evaluation_loss_vs_iterations'), h.history.val_loss.map((v, i) => [3 * (i + 1), f32(v)]));
  } finally {
    await rm(logDir, { recursive: true, force: true });
  }
});

test('TensorBoard rejects invalid options', () => {
  assert.throws(() => new TensorBoard({ histogramFreq: -1 }), /histogramFreq must be an integer >= 0/);
  assert.throws(() => new TensorBoard({ updateFreq: 'step' as never }), /updateFreq must be 'epoch', 'batch' or an integer >= 1/);
});
