import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { bits, smallCnn } from '../../io/io-test-util.js';
import { loadModel, saveModel } from '../../io/model-io.js';
import { setSaveStepHook } from './save-steps.js';
import './file-system.js';

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fovea-set-'));
  try {
    await fn(dir);
  } finally {
    setSaveStepHook(null);
    await rm(dir, { recursive: true, force: true });
  }
}

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '']).pid;
  assert.ok(pid !== undefined && pid > 0);
  return pid;
}

/** model.json and the shard names it lists. */
async function manifestFiles(dir: string, manifest = 'model.json'): Promise<string[]> {
  const json = JSON.parse(await readFile(join(dir, manifest), 'utf8')) as { weightsManifest: { paths: string[] }[] };
  return [manifest, ...json.weightsManifest.flatMap((g) => g.paths)];
}

const sorted = (names: string[]): string[] => [...names].sort();

test('two saves to one folder at once in one process both succeed and leave the later set, whole', () => withTempDir(async (dir) => {
  // Each save yields at every step, so the two interleave file by file.
  setSaveStepHook(() => new Promise((resolve) => setImmediate(resolve)));
  const [a, b] = [smallCnn(1), smallCnn(2)];
  await Promise.all([saveModel(a, dir, { shardSizeBytes: 100 }), saveModel(b, dir, { shardSizeBytes: 300 })]);
  const loaded = await loadModel(dir);
  const winner = [a, b].find((m) => bits(m.weights[0].dataSync()).join() === bits(loaded.weights[0].dataSync()).join());
  assert.ok(winner !== undefined, 'the folder holds one of the two saves');
  assert.deepEqual(bits(loaded.weights[2].dataSync()), bits(winner.weights[2].dataSync()));
  assert.deepEqual(sorted(await readdir(dir)), sorted(await manifestFiles(dir)));
}));

test('a save removes the files of killed saves but keeps those of saves that may still be running', () => withTempDir(async (dir) => {
  const dead = `${deadPid()}-0badf00d`;
  const alive = `${process.ppid}-600dcafe`; // another live process (the test runner)
  const foreign = `${process.pid}-f0e1a2b3`; // this pid, but no running save of this process has the id
  const debris = [
    `.model.json.${dead}.saving`, `group1-shard1of2.${dead}.bin`, `.model.json.${dead}.tmp`,
    `group1-shard1of2.${foreign}.bin`, 'group1-shard1of1.bin', // an unversioned shard of an older version
  ];
  const running = [`.model.json.${alive}.saving`, `group1-shard1of3.${alive}.bin`, `.model.json.${alive}.tmp`];
  for (const name of [...debris, ...running]) await writeFile(join(dir, name), name.endsWith('.saving') ? hostname() : 'x');
  // Temporary files without a save id (older versions): removed only once ten minutes old.
  await writeFile(join(dir, '.model.json.0123456789ab.tmp'), 'old');
  await utimes(join(dir, '.model.json.0123456789ab.tmp'), new Date(0), new Date(0));
  await writeFile(join(dir, '.model.json.ba9876543210.tmp'), 'recent');
  await writeFile(join(dir, 'notes.txt'), 'not ours');
  await saveModel(smallCnn(1), dir);
  assert.deepEqual(sorted(await readdir(dir)), sorted([...await manifestFiles(dir), ...running, '.model.json.ba9876543210.tmp', 'notes.txt']));
}));

test('a save from another host is kept while its lock is younger than a day', () => withTempDir(async (dir) => {
  const other = `${deadPid()}-abcdef01`;
  await writeFile(join(dir, `.model.json.${other}.saving`), 'some-other-host');
  await writeFile(join(dir, `group1-shard1of1.${other}.bin`), 'x');
  await saveModel(smallCnn(1), dir);
  assert.ok((await readdir(dir)).includes(`group1-shard1of1.${other}.bin`));
  await utimes(join(dir, `.model.json.${other}.saving`), new Date(0), new Date(0));
  await saveModel(smallCnn(1), dir);
  assert.deepEqual(sorted(await readdir(dir)), sorted(await manifestFiles(dir)));
}));

test('models named by their .json files share a folder without removing each other\'s shards', () => withTempDir(async (dir) => {
  const [a, b] = [smallCnn(1), smallCnn(2)];
  await saveModel(a, join(dir, 'a.json'));
  await saveModel(b, join(dir, 'b.json'));
  await saveModel(a, join(dir, 'a.json'), { shardSizeBytes: 400 });
  assert.deepEqual(sorted(await readdir(dir)), sorted([...await manifestFiles(dir, 'a.json'), ...await manifestFiles(dir, 'b.json')]));
  assert.ok((await manifestFiles(dir, 'a.json')).slice(1).every((n) => n.startsWith('a.group')));
  assert.deepEqual(bits((await loadModel(join(dir, 'b.json'))).weights[0].dataSync()), bits(b.weights[0].dataSync()));
}));

test('a save that fails before its rename removes its own files and leaves the previous set', () => withTempDir(async (dir) => {
  const first = smallCnn(1);
  await saveModel(first, dir, { shardSizeBytes: 200 });
  const before = sorted(await readdir(dir));
  setSaveStepHook((step) => {
    if (step === 'manifest written') throw new Error('disk full (simulated)');
  });
  await assert.rejects(saveModel(smallCnn(2), dir), /disk full/);
  assert.deepEqual(sorted(await readdir(dir)), before);
  assert.deepEqual(bits((await loadModel(dir)).weights[0].dataSync()), bits(first.weights[0].dataSync()));
}));
