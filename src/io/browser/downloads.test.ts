import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bits, randomInput, smallCnn } from '../io-test-util.js';
import { loadModel, saveModel } from '../model-io.js';
import { ModelFormatError } from '../model-format-error.js';
import { browserFiles, type DownloadFile, downloadsHandler, type FileLike } from './downloads.js';
import { Sequential } from '../../models/sequential.js';

const asFile = (f: DownloadFile): FileLike => ({ name: f.name, size: f.bytes.byteLength, arrayBuffer: async () => f.bytes.slice().buffer });

test('downloads produce <name>.json + weights that load back from uploaded files', async () => {
  const model = smallCnn(8);
  const downloaded: DownloadFile[] = [];
  await saveModel(model, downloadsHandler('my-model', (f) => void downloaded.push(f)));
  assert.deepEqual(downloaded.map((f) => [f.name, f.mimeType]), [['my-model.json', 'application/json'], ['my-model.group1-shard1of1.bin', 'application/octet-stream']]);
  const loaded = await loadModel(browserFiles(downloaded.map(asFile)));
  assert.ok(loaded instanceof Sequential);
  const x = randomInput(2, [8, 8, 2], 9);
  assert.deepEqual(bits(loaded.predict(x).dataSync()), bits(model.predict(x).dataSync()));
});

test('uploads with a missing or oversized weight file are rejected before reading it', async () => {
  const downloaded: DownloadFile[] = [];
  await saveModel(smallCnn(8), downloadsHandler('m', (f) => void downloaded.push(f)));
  const [json, weights] = downloaded.map(asFile);
  await assert.rejects(loadModel(browserFiles([json])), /m.group1-shard1of1.bin: weight file was not among the uploaded files/);
  const huge: FileLike = { name: weights.name, size: 2 ** 40, arrayBuffer: async () => assert.fail('must not be read') };
  await assert.rejects(loadModel(browserFiles([json, huge])), (e: unknown) => e instanceof ModelFormatError && /has 1099511627776 bytes, more than the 748 bytes/.test(e.message));
  await assert.rejects(loadModel(browserFiles([weights])), /expected exactly one .json file/);
});

test('downloads:// outside a browser page asks for a sink', async () => {
  await assert.rejects(saveModel(smallCnn(1), 'downloads://x'), /downloads:\/\/: needs a browser page/);
});
