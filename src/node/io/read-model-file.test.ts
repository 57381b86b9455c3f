/**
 * Fuzzer findings on model folders, kept as regressions: a FIFO as model.json or as a shard hung
 * `loadModel`, a shard symlinked to /dev/zero was read without bound (the size cap trusted stat,
 * which says 0 for devices), and symlinks inside a model folder were followed out of it. Each now
 * ends in a ModelFormatError within 5 s and 200 MB.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { bits, smallCnn } from '../../io/io-test-util.js';
import { loadModel, saveModel } from '../../io/model-io.js';
import { ModelFormatError } from '../../io/model-format-error.js';
import { describeOutcome, withinBounds } from '../../testing/bounds-test-util.js';
import { loadModelFile } from './model-formats.js';
import { readModelFile } from './read-model-file.js';

const posix = process.platform !== 'win32';
/** The one shard a saved folder's model.json lists (its name carries the save's id). */
function shardOf(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] }).weightsManifest[0].paths[0];
}

async function withModelDir(fn: (dir: string, root: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'fovea-read-'));
  const dir = join(root, 'model');
  try {
    await saveModel(smallCnn(1), dir);
    await fn(dir, root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** A FIFO at `path` (replacing any file there); a reader stuck on it is released afterwards. */
async function withFifo(path: string, fn: () => Promise<void>): Promise<void> {
  await rm(path, { force: true });
  execFileSync('mkfifo', [path]);
  try {
    await fn();
  } finally {
    // A loader that opened the FIFO blocks until a writer comes and goes: be that writer.
    try {
      closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // ENXIO: nobody is reading it, as it should be.
    }
  }
}

function refusal(pattern: RegExp): (e: unknown) => boolean {
  return (e) => e instanceof ModelFormatError && pattern.test(e.message);
}

test('a FIFO as model.json is refused without blocking', { skip: !posix }, (t) => withModelDir(async (dir) => {
  const json = join(dir, 'model.json');
  await withFifo(json, async () => {
    const m = await withinBounds('FIFO model.json', () => loadModel(dir));
    t.diagnostic(describeOutcome(m));
    assert.ok(refusal(/model\.json: is a FIFO \(named pipe\); model files must be regular files/)(m.error), describeOutcome(m));
  });
}));

test('a FIFO as a weight shard is refused without blocking', { skip: !posix }, (t) => withModelDir(async (dir) => {
  await withFifo(join(dir, shardOf(dir)), async () => {
    const m = await withinBounds('FIFO shard', () => loadModel(dir));
    t.diagnostic(describeOutcome(m));
    assert.ok(refusal(/group1-shard1of1\.[0-9a-f-]*\.bin: is a FIFO/)(m.error), describeOutcome(m));
  });
}));

test('a shard symlinked to /dev/zero is refused before a byte is read', { skip: !posix || !existsSync('/dev/zero') }, (t) => withModelDir(async (dir) => {
  await rm(join(dir, shardOf(dir)));
  await symlink('/dev/zero', join(dir, shardOf(dir)));
  const m = await withinBounds('/dev/zero shard', () => loadModel(dir));
  t.diagnostic(describeOutcome(m));
  assert.ok(refusal(/resolves to \/dev\/zero, outside the model folder/)(m.error), describeOutcome(m));
}));

test('a model file that is a device is refused, not read without end', { skip: !posix || !existsSync('/dev/zero') }, (t) => withModelDir(async (_dir, root) => {
  const keras = join(root, 'zero.keras');
  await symlink('/dev/zero', keras);
  const m = await withinBounds('/dev/zero .keras', () => loadModelFile(keras));
  t.diagnostic(describeOutcome(m));
  assert.ok(refusal(/zero\.keras: is a character device; model files must be regular files/)(m.error), describeOutcome(m));
}));

test('a symlink leaving the model folder is refused even when its target is a valid shard', { skip: !posix }, (t) => withModelDir(async (dir, root) => {
  const outside = join(root, 'elsewhere');
  await mkdir(outside);
  await copyFile(join(dir, shardOf(dir)), join(outside, 'shard.bin'));
  await rm(join(dir, shardOf(dir)));
  await symlink(join(outside, 'shard.bin'), join(dir, shardOf(dir)));
  const m = await withinBounds('symlink out of the folder', () => loadModel(dir));
  t.diagnostic(describeOutcome(m));
  assert.ok(refusal(/group1-shard1of1\.[0-9a-f-]*\.bin: resolves to .*elsewhere.*, outside the model folder/)(m.error), describeOutcome(m));
  // model.json itself may not leave the folder either.
  await copyFile(join(dir, 'model.json'), join(outside, 'model.json'));
  await rm(join(dir, 'model.json'));
  await symlink(join(outside, 'model.json'), join(dir, 'model.json'));
  await assert.rejects(loadModel(dir), refusal(/model\.json: resolves to .*, outside the model folder/));
}));

test('symlinks that stay inside the folder, and a symlinked folder itself, still load', { skip: !posix }, () => withModelDir(async (dir, root) => {
  await mkdir(join(dir, '..store'));
  await copyFile(join(dir, shardOf(dir)), join(dir, '..store', 'weights.bin'));
  await rm(join(dir, shardOf(dir)));
  await symlink(join('..store', 'weights.bin'), join(dir, shardOf(dir)));
  const link = join(root, 'link-to-model');
  await symlink(dir, link);
  const expected = smallCnn(1);
  for (const source of [dir, link]) {
    const loaded = await loadModel(source);
    assert.deepEqual(bits(loaded.weights[0].dataSync()), bits(expected.weights[0].dataSync()), source);
  }
}));

test('the cap counts bytes read, not the size stat reports (0 for /proc files)', { skip: !existsSync('/proc/self/maps') }, async () => {
  await assert.rejects(readModelFile('/proc/self/maps', { maxBytes: 64, why: 'this test allows' }), refusal(/has more than the 64 bytes this test allows \(reading stopped there; stat said 0 bytes\)/));
  const text = await readModelFile('/proc/self/maps', { maxBytes: 1 << 24, why: 'this test allows' });
  assert.ok(text.byteLength > 64);
});

test('a regular file is read whole, up to exactly the cap', async () => {
  const root = await mkdtemp(join(tmpdir(), 'fovea-read-'));
  try {
    const path = join(root, 'f.bin');
    const bytes = Uint8Array.from({ length: 3_000_000 }, (_, i) => i % 251);
    await writeFile(path, bytes);
    assert.deepEqual(await readModelFile(path, { maxBytes: bytes.length, why: 'allowed' }), new Uint8Array(await readFile(path)));
    await assert.rejects(readModelFile(path, { maxBytes: bytes.length - 1, why: 'allowed' }), refusal(/has 3000000 bytes, more than the 2999999 bytes allowed/));
    await assert.rejects(readModelFile(join(root, 'none'), { maxBytes: 10, why: 'allowed' }), refusal(/none: file not found/));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
