import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { readFixture, SHIPPED_FIXTURES } from '../../io/torch/torch-test-util.js';
import { lenet5 } from '../../zoo/lenet5.js';
import { withTempDir } from '../temp-dir-test-util.js';
import { loadTorchFile, saveTorchFile } from './torch-file.js';

test('saveTorchFile then loadTorchFile gives the nn module its state dict back; the shipped torch fixture loads by path', () => withTempDir('torch-file', async (dir) => {
  const net = lenet5({ seed: 1 });
  await saveTorchFile(join(dir, 'lenet5.pt'), net.stateDict());
  const other = lenet5({ seed: 2 });
  other.loadStateDict(await loadTorchFile(join(dir, 'lenet5.pt')));
  for (const [key, t] of Object.entries(net.stateDict())) assert.deepEqual([...other.stateDict()[key].dataSync()], [...t.dataSync()], key);
  const fixture = await loadTorchFile(join(SHIPPED_FIXTURES, 'tensors.pt'));
  assert.deepEqual(Object.keys(fixture), Object.keys(readFixture(SHIPPED_FIXTURES, 'tensors').tensors));
  assert.ok((await readFile(join(dir, 'lenet5.pt'))).byteLength > 700_000);
}));

test('loadTorchFile refuses what is not a regular file and names the path in format errors', () => withTempDir('torch-file', async (dir) => {
  await assert.rejects(loadTorchFile('/dev/zero'), /\/dev\/zero.*(device|not a regular file)/);
  await assert.rejects(loadTorchFile(join(SHIPPED_FIXTURES, 'tensors.json')), (e: Error) => e.message.startsWith(join(SHIPPED_FIXTURES, 'tensors.json')));
  await assert.rejects(loadTorchFile(join(dir, 'missing.pt')), /missing\.pt: file not found/);
}));
