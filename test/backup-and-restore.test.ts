/**
 * BackupAndRestore end to end: a training process killed with SIGKILL in the middle of an epoch
 * and started again ends with exactly (bit for bit) the weights of a run that was never
 * interrupted, because the backup holds weights, optimizer state and epoch, and fit's shuffling
 * depends only on the seed and the epoch.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BACKUP_FILE } from '../src/node/callbacks/backup-and-restore.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'backup-train.js');

interface Run {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the first stdout line matching `re`. */
  waitFor(re: RegExp): Promise<string>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(args: string[]): Run {
  const child = spawn(process.execPath, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (line: string) => void }[] = [];
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      lines.push(line);
      for (const w of waiters.filter((w) => w.re.test(line))) w.resolve(line);
    }
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const waitFor = (re: RegExp) => {
    const seen = lines.find((l) => re.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return Promise.race([
      new Promise<string>((resolve) => waiters.push({ re, resolve })),
      exit.then(({ code, signal }) => { throw new Error(`child exited (${code ?? signal}) before printing ${re}; output: ${lines.join(' | ')}`); }),
    ]);
  };
  return { child, lines, waitFor, exit };
}

async function finish(run: Run): Promise<void> {
  const { code, signal } = await run.exit;
  assert.equal(code, 0, `child failed (${code ?? signal}); output: ${run.lines.join(' | ')}`);
}

test('a run killed mid-epoch and restarted with BackupAndRestore ends bit-identical to an uninterrupted run', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fovea-backup-'));
  const running: Run[] = [];
  try {
    const straight = start([join(dir, 'backup-a'), join(dir, 'straight.json')]);
    running.push(straight);
    await finish(straight);

    const backupDir = join(dir, 'backup-b');
    const killed = start([backupDir, join(dir, 'killed.json'), '2']);
    running.push(killed);
    assert.equal(await killed.waitFor(/^(fresh|resumed)/), 'fresh');
    await killed.waitFor(/^mid-epoch 2$/);
    assert.ok(existsSync(join(backupDir, BACKUP_FILE)), 'epochs 0 and 1 left a backup');
    killed.child.kill('SIGKILL');
    assert.deepEqual(await killed.exit, { code: null, signal: 'SIGKILL' });
    assert.deepEqual(killed.lines, ['fresh', 'backup 1', 'backup 2', 'mid-epoch 2']);
    assert.equal(existsSync(join(dir, 'killed.json')), false);

    const resumed = start([backupDir, join(dir, 'resumed.json')]);
    running.push(resumed);
    await finish(resumed);
    assert.deepEqual(resumed.lines, ['resumed 2', 'backup 3', 'backup 4', 'backup 5', 'done']);

    const a = JSON.parse(await readFile(join(dir, 'straight.json'), 'utf8'));
    const b = JSON.parse(await readFile(join(dir, 'resumed.json'), 'utf8'));
    assert.deepEqual(a.epochs, [0, 1, 2, 3, 4]);
    assert.deepEqual(b.epochs, [2, 3, 4]);
    assert.equal(b.iterations, a.iterations, 'the optimizer step count carried over');
    assert.deepEqual(b.weights, a.weights, 'bit-identical final weights');
    assert.equal(existsSync(backupDir), false, 'the backup is deleted when training completes');
  } finally {
    for (const r of running) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});
