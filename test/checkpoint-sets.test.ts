/**
 * Checkpoints are written as sets: a child process saving in a loop (test/fixtures/save-loop.ts)
 * is stopped at one step inside a save (after a shard, after model.json's rename, after a stale
 * file's removal, ...) and SIGKILLed there, once for every step, on one folder in turn. After every
 * kill the checkpoint must load with every number from one save: the save that was killed if its
 * set was already installed, the save before it otherwise. A last save must then leave only the
 * files its manifest names (no temporary files, locks or shards of killed saves). Two processes
 * saving to one folder at once must both succeed and leave one complete set.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import '../src/backend/engine.js';
import { toBytes } from '../src/io/bytes.js';
import { loadModel } from '../src/io/model-io.js';
import { entryValues, readSafetensors } from '../src/io/safetensors.js';
import { decodeWeights } from '../src/io/weights-codec.js';
import { BACKUP_FILE } from '../src/node/callbacks/backup-and-restore.js';
import { fileSystem } from '../src/node/io/file-system.js';
import { loadModelFile } from '../src/node/io/model-formats.js';
import { withTempDir } from '../src/node/temp-dir-test-util.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'save-loop.js');

interface ChildRun {
  lines: string[];
  /** 'paused' once the child waits at its stop step (it is then killed), or 'exited' with its code. */
  outcome: { paused: boolean; code: number | null };
}

/** Runs save-loop.js; when it pauses, SIGKILLs it there and waits for it to be gone. */
function runChild(args: string[]): Promise<ChildRun> {
  const child = spawn(process.execPath, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let paused = false;
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      lines.push(line);
      if (line.startsWith('paused ')) {
        paused = true;
        child.kill('SIGKILL');
      }
    }
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ lines, outcome: { paused, code } })));
}

/** The one number every saved value of the checkpoint holds; null when there is no checkpoint yet. */
type Reader = (target: string) => Promise<number | null>;

function single(values: Iterable<number>, what: string): number {
  const distinct = [...new Set(values)];
  assert.equal(distinct.length, 1, `${what} mixes files of saves ${distinct.join(', ')}`);
  return distinct[0];
}

const readFolder: Reader = async (dir) => {
  if (!existsSync(join(dir, 'model.json'))) return null;
  const artifacts = await fileSystem(dir).load!();
  const weights = decodeWeights(artifacts.weightSpecs, toBytes(artifacts.weightData, dir), dir);
  const value = single(weights.flatMap((w) => Array.from(w.values)), dir);
  const model = await loadModel(dir); // the whole model loads, compiled with its optimizer
  assert.equal(model.optimizer?.iterations, value);
  return value;
};

const readKeras: Reader = async (path) => {
  if (!existsSync(path)) return null;
  const model = await loadModelFile(path);
  return single(model.weights.flatMap((w) => Array.from(w.dataSync())), path);
};

const readBackup: Reader = async (dir) => {
  const path = join(dir, BACKUP_FILE);
  if (!existsSync(path)) return null;
  const file = readSafetensors(new Uint8Array(await readFile(path)), path);
  const value = single([...file.tensors.values()].flatMap((e) => Array.from(entryValues(e, path).values)), path);
  assert.equal(file.metadata.epoch, String(value + 1));
  return value;
};

/** The values the child installed, in order ('installed <v>' lines). */
const installed = (run: ChildRun): number[] => run.lines.filter((l) => l.startsWith('installed ')).map((l) => Number(l.split(' ')[1]));

/**
 * Kills a saver at steps 1..kills of a save (each run starts a fresh child on the same target, so
 * the debris of earlier kills is there) and checks the checkpoint after each kill; returns how
 * many kills landed before and after the new set was installed.
 */
async function killAtEveryStep(kind: string, target: string, read: Reader, kills: number, shardBytes = 16): Promise<{ before: number; after: number }> {
  let expected: number | null = null;
  const landed = { before: 0, after: 0 };
  const problems: string[] = [];
  for (let i = 1; i <= kills; i++) {
    const first = 1000 * i;
    const run = await runChild([kind, target, String(first), String(i), '0', String(shardBytes)]);
    assert.ok(run.outcome.paused, `${kind} run ${i} stopped at step ${i}: ${run.lines.join(' | ')}`);
    const done = installed(run);
    const pausedLine = run.lines[run.lines.length - 1];
    if (done.length > 0) expected = done[done.length - 1];
    landed[done.includes(Number(pausedLine.split(' ')[2])) ? 'after' : 'before']++;
    try {
      assert.equal(await read(target), expected);
    } catch (e) {
      problems.push(`kill ${i} (${pausedLine}): ${(e as Error).message.split('\n')[0]}`);
    }
  }
  assert.deepEqual(problems, [], `${kind}: ${problems.length} of ${kills} kills left a checkpoint that is not the last installed save, whole`);
  const last = await runChild([kind, target, '99', '0', '1', String(shardBytes)]);
  assert.deepEqual(last.outcome, { paused: false, code: 0 }, last.lines.join(' | '));
  assert.equal(await read(target), 99);
  return landed;
}

const withDir = (run: (dir: string) => Promise<void>) => withTempDir('sets', run);

/** The files the folder's model.json names, plus model.json. */
async function manifestFiles(dir: string): Promise<string[]> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
  return ['model.json', ...json.weightsManifest.flatMap((g) => g.paths)].sort();
}

test('a folder checkpoint SIGKILLed at each of 30 steps of a save loads whole every time, and the next save removes the debris', (t) => withDir(async (dir) => {
  const target = join(dir, 'ckpt');
  // 11 shards of 16 bytes per save (4 of weights, 7 of optimizer state): about 25 steps per save.
  const landed = await killAtEveryStep('folder', target, readFolder, 30);
  t.diagnostic(`kills before the install: ${landed.before}, after it: ${landed.after}`);
  assert.ok(landed.before >= 12 && landed.after >= 3, `kills before/after the install: ${landed.before}/${landed.after}`);
  assert.deepEqual((await readdir(target)).sort(), await manifestFiles(target));
}));

test('ModelCheckpoint folders, .keras files and BackupAndRestore files SIGKILLed inside a save load whole every time', () => withDir(async (dir) => {
  const [folder, keras, backup] = [join(dir, 'folder'), join(dir, 'keras', 'model.keras'), join(dir, 'backup')];
  await Promise.all([
    killAtEveryStep('checkpoint', folder, readFolder, 8),
    killAtEveryStep('keras', keras, readKeras, 4),
    killAtEveryStep('backup', backup, readBackup, 4),
  ]);
  assert.deepEqual((await readdir(folder)).sort(), await manifestFiles(folder));
  assert.deepEqual(await readdir(dirname(keras)), ['model.keras']);
  assert.deepEqual(await readdir(backup), [BACKUP_FILE]);
}));

/** Loads the folders over and over until `done`; every load must hold one save. */
async function readWhileSaving(targets: string[], done: () => boolean): Promise<{ reads: number; failures: string[] }> {
  let reads = 0;
  const failures: string[] = [];
  while (!done()) {
    for (const target of targets) {
      if (!existsSync(join(target, 'model.json'))) continue;
      try {
        const artifacts = await fileSystem(target).load!();
        single(decodeWeights(artifacts.weightSpecs, toBytes(artifacts.weightData, target), target).flatMap((w) => Array.from(w.values)), target);
        reads++;
      } catch (e) {
        failures.push((e as Error).message);
      }
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { reads, failures };
}

test('two processes saving to one folder at once both succeed and leave one complete set, in each of 6 folders', (t) => withDir(async (dir) => {
  // Different shard sizes, so the two savers' sets have different files (11 and 9 shards) at about the same pace.
  const pair = (target: string) => Promise.all([
    runChild(['folder', target, '1000', '0', '8', '16', 'jitter']),
    runChild(['folder', target, '2000', '0', '8', '20', 'jitter']),
  ]);
  const targets = Array.from({ length: 6 }, (_, i) => join(dir, `shared-${i}`));
  let finished = false;
  const saving = Promise.all(targets.map(pair)).finally(() => { finished = true; });
  const [runs, reading] = await Promise.all([saving, readWhileSaving(targets, () => finished)]);
  t.diagnostic(`${reading.reads} loads during the saves, ${reading.failures.length} failed`);
  assert.deepEqual(reading.failures, [], 'a load during the saves failed or mixed two saves');
  const problems: string[] = [];
  for (const [i, [a, b]] of runs.entries()) {
    try {
      assert.deepEqual(a.outcome, { paused: false, code: 0 }, a.lines.join(' | '));
      assert.deepEqual(b.outcome, { paused: false, code: 0 }, b.lines.join(' | '));
      assert.ok([1007, 2007].includes((await readFolder(targets[i])) as number), 'the last save of either saver');
      assert.deepEqual((await readdir(targets[i])).sort(), await manifestFiles(targets[i]));
    } catch (e) {
      problems.push(`${targets[i]}: ${(e as Error).message}`);
    }
  }
  assert.deepEqual(problems, [], `${problems.length} of ${targets.length} folders are not one complete set`);
}));
