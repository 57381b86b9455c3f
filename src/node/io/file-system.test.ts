import assert from 'node:assert/strict';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { bits, randomInput, smallCnn } from '../../io/io-test-util.js';
import { loadModel, saveModel } from '../../io/model-io.js';
import { ModelFormatError } from '../../io/model-format-error.js';
import { fileSystem } from './file-system.js';
import { Sequential } from '../../models/sequential.js';
import { withTempDir as inTempDir } from '../temp-dir-test-util.js';

const withTempDir = (run: (dir: string) => Promise<void>) => inTempDir('io', run);

test('a plain path saves a folder of model.json + shards that loads back exactly', () => withTempDir(async (dir) => {
  const model = smallCnn(4);
  const target = join(dir, 'nested', 'model-a');
  const result = await saveModel(model, target, { shardSizeBytes: 200 });
  // Each save's shards carry its save id (<pid>-<8 hex>), so a new set never overwrites the old one.
  const names = (await readdir(target)).sort();
  const id = /^group1-shard1of4\.(\d+-[0-9a-f]{8})\.bin$/.exec(names[0])?.[1];
  assert.deepEqual(names, [1, 2, 3, 4].map((i) => `group1-shard${i}of4.${id}.bin`).concat('model.json'));
  assert.equal(result.locations[0], join(target, 'model.json'));
  for (const source of [target, `file://${target}`, join(target, 'model.json')]) {
    const loaded = await loadModel(source);
    assert.ok(loaded instanceof Sequential);
    const x = randomInput(3, [8, 8, 2], 1);
    assert.deepEqual(bits(loaded.predict(x).dataSync()), bits(model.predict(x).dataSync()), source);
  }
}));

test('re-saving replaces the files atomically and removes shards the new manifest does not list', () => withTempDir(async (dir) => {
  await saveModel(smallCnn(1), dir, { shardSizeBytes: 100 });
  await writeFile(join(dir, 'notes.txt'), 'keep me');
  const model = smallCnn(2);
  await saveModel(model, dir);
  const names = (await readdir(dir)).sort();
  assert.deepEqual(names.slice(1), ['model.json', 'notes.txt']);
  assert.match(names[0], /^group1-shard1of1\.\d+-[0-9a-f]{8}\.bin$/);
  const loaded = await loadModel(dir);
  assert.deepEqual(bits(loaded.weights[0].dataSync()), bits(model.weights[0].dataSync()));
}));

test('truncated, oversized and missing files are reported by path before being read whole', () => withTempDir(async (dir) => {
  const result = await saveModel(smallCnn(1), dir);
  const shard = result.locations[1];
  const bytes = await readFile(shard);
  await writeFile(shard, bytes.subarray(0, 100));
  await assert.rejects(loadModel(dir), (e: unknown) => e instanceof ModelFormatError && e.file === shard && /holds 100 bytes, the manifest needs 748: weight 'conv2d\/kernel' \[3,3,2,4\] ends at byte 288/.test(e.message));
  await writeFile(shard, Buffer.concat([bytes, Buffer.alloc(10)]));
  await assert.rejects(loadModel(dir), /has 758 bytes, more than the 748 bytes the manifest leaves for it/);
  await rm(shard);
  await assert.rejects(loadModel(dir), (e: unknown) => e instanceof ModelFormatError && e.file === shard && /file not found/.test(e.message));
  await assert.rejects(loadModel(join(dir, 'nope')), /nope[/\\]model.json: file not found/);
}));

test('a failed write leaves no temporary files behind', () => withTempDir(async (dir) => {
  const handler = fileSystem(join(dir, 'm'));
  await assert.rejects(handler.save!({ modelTopology: {}, weightSpecs: [{ name: 'w', shape: [2], dtype: 'float32' }], weightData: new Uint8Array(4) }), /need 8 bytes/);
  await saveModel(smallCnn(1), join(dir, 'm'));
  assert.ok((await readdir(join(dir, 'm'))).every((n) => !n.endsWith('.tmp')));
}));

test('a path naming another format is refused instead of becoming a folder of that name', () => withTempDir(async (dir) => {
  const model = smallCnn(1);
  await assert.rejects(saveModel(model, join(dir, 'model.keras')), /use saveModelFile/);
  assert.deepEqual(await readdir(dir), []);
}));
