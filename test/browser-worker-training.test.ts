/**
 * Training inside a Web Worker (scripts/worker-training.{html,js}, public API only): in headless
 * Chromium the worker starts the wasm backend with 2 threads (its kernel threads are Workers
 * nested in it), trains the seed CNN with fit, and the page shows the progress messages while it
 * keeps rendering frames. Skipped where Chromium or playwright-core is missing, except in CI.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

type Message =
  | { type: 'ready'; backend: string; threads: number }
  | { type: 'batch'; epoch: number; batch: number; loss: number }
  | { type: 'epoch'; epoch: number; loss: number; accuracy: number; samplesPerSec: number }
  | { type: 'done'; testLoss: number; testAccuracy: number; parallelJobs: number | null }
  | { type: 'error'; message: string };

interface WorkerRun {
  messages: Message[];
  frames: number;
  shown: { backend: string; status: string; log: string };
}

interface BrowserServer {
  missingPrerequisite(): Promise<string | null>;
  withPage<T>(pagePath: string, use: (page: { evaluate<R, A>(f: (a: A) => Promise<R>, arg: A): Promise<R> }, browser: unknown, errors: string[]) => Promise<T>): Promise<T>;
}

type WorkerPage = { foveaWorkerTraining(o: object): Promise<WorkerRun> };

test('a Web Worker trains the seed CNN on the wasm backend and the page shows its progress', async (t) => {
  const server = (await import(new URL('../../scripts/browser-server.mjs', import.meta.url).href)) as BrowserServer;
  const missing = await server.missingPrerequisite();
  if (missing !== null && process.env['CI'] === undefined) {
    t.skip(`browser prerequisites missing: ${missing}`);
    return;
  }
  const run = await server.withPage('scripts/worker-training.html', async (page, _browser, errors) => {
    const r = await page.evaluate((o) => (window as unknown as WorkerPage).foveaWorkerTraining(o), { epochs: 2, samples: 1280, threads: 2 });
    assert.deepEqual(errors, []);
    return r;
  });
  const error = run.messages.find((m) => m.type === 'error');
  assert.equal(error, undefined, `the worker reported: ${JSON.stringify(error)}`);
  assert.deepEqual(run.messages[0], { type: 'ready', backend: 'wasm', threads: 2 });
  const batches = run.messages.filter((m) => m.type === 'batch');
  assert.equal(batches.length, 2 * 20, 'one message per batch: 2 epochs of 1,280 / 64');
  const epochs = run.messages.filter((m): m is Extract<Message, { type: 'epoch' }> => m.type === 'epoch');
  assert.equal(epochs.length, 2);
  assert.ok(epochs[1].loss < epochs[0].loss, `loss ${epochs[0].loss} -> ${epochs[1].loss}`);
  const done = run.messages.at(-1) as Extract<Message, { type: 'done' }>;
  assert.equal(done.type, 'done');
  assert.ok(done.testAccuracy > 0.5, `test accuracy ${done.testAccuracy} on the ten patterns`);
  assert.ok((done.parallelJobs ?? 0) > 0, 'kernels ran on the nested Worker threads');
  // What the page shows came from the messages; it rendered frames all along.
  assert.equal(run.shown.backend, 'wasm, 2 threads (inside the worker)');
  assert.match(run.shown.log, /^epoch 1: loss [\d.]+, accuracy [\d.]+, \d+ samples\/s\nepoch 2: /);
  assert.match(run.shown.status, /^test accuracy 0\.\d{3}$/);
  assert.ok(run.frames >= 10, `the page rendered ${run.frames} frames while the worker trained`);
});
