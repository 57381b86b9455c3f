/**
 * Training never freezes the page: in headless Chromium (scripts/browser-loop.html) the browser
 * keeps rendering frames during `fit`, the frames show the progress a callback wrote, and
 * predictAsync / evaluateAsync render frames too and give the synchronous results. The same page
 * with `yieldEvery: 'never'` renders no frame during fit, which shows the counter can fail. The
 * setup itself resolves warm: kernels already ran on the workers (the first-seconds warm-up).
 * Skipped where Chromium or playwright-core is missing, except in CI (CI=true).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

interface Measured {
  ms: number;
  frames: number;
}

interface LoopResult {
  backend: string;
  setup: { ms: number; parallelJobs: number; workersWaitMs: number };
  fit: Measured & { painted: string[]; loss: number };
  predict: Measured & { same: boolean };
  evaluate: Measured & { same: boolean };
}

interface BrowserServer {
  missingPrerequisite(): Promise<string | null>;
  withPage<T>(pagePath: string, use: (page: { evaluate<R, A>(f: (a: A) => Promise<R>, arg: A): Promise<R> }, browser: unknown, errors: string[]) => Promise<T>): Promise<T>;
}

type LoopPage = { foveaLoop(o: object): Promise<LoopResult> };

async function runLoopPage(server: BrowserServer, options: object): Promise<LoopResult> {
  return server.withPage('scripts/browser-loop.html', async (page, _browser, errors) => {
    const result = await page.evaluate((o) => (window as unknown as LoopPage).foveaLoop(o), options);
    assert.deepEqual(errors, []);
    return result;
  });
}

test('fit, predictAsync and evaluateAsync let headless Chromium paint while they run', async (t) => {
  const server = (await import(new URL('../../scripts/browser-server.mjs', import.meta.url).href)) as BrowserServer;
  const missing = await server.missingPrerequisite();
  if (missing !== null && process.env['CI'] === undefined) {
    t.skip(`browser prerequisites missing: ${missing}`);
    return;
  }
  const r = await runLoopPage(server, {});
  assert.equal(r.backend, 'wasm');
  // The setup resolved warm: its workers run and kernels already ran on them (models/warm-up.ts).
  assert.ok(r.setup.parallelJobs > 0, `kernels split across threads during the setup: ${r.setup.parallelJobs}`);
  // 30 batches of the seed CNN take >= 0.3 s: a yield every ~30 ms of work gives a frame each time.
  const fps = (r.fit.frames / r.fit.ms) * 1000;
  assert.ok(r.fit.frames >= 5 && fps >= 5, `${r.fit.frames} frames in ${Math.round(r.fit.ms)} ms of fit`);
  // Frames showed the callback's progress as it went, not only the end.
  assert.ok(r.fit.painted.length >= 5, `frames painted ${JSON.stringify(r.fit.painted)}`);
  assert.ok(Number.isFinite(r.fit.loss));
  assert.ok(r.predict.frames >= 1 && r.predict.same, `predictAsync: ${JSON.stringify(r.predict)}`);
  assert.ok(r.evaluate.frames >= 1 && r.evaluate.same, `evaluateAsync: ${JSON.stringify(r.evaluate)}`);

  const frozen = await runLoopPage(server, { yieldEvery: 'never' });
  assert.equal(frozen.fit.frames, 0, 'a fit that never yields renders no frame (what every fit did before)');
  assert.equal(frozen.fit.loss, r.fit.loss, 'yielding does not change training');
});
