/**
 * The memory soak's `for await` loop in headless Chromium (bench/browser-soak.mjs, 200 steps):
 * flat with no dispose in a browser too, where reclamation waits for the program to yield. Needs
 * Chromium and playwright-core; skipped where they are missing, except in CI (CI=true), whose
 * .ci/run installs Chromium first, so a missing browser fails there instead of passing silently.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { notFlat, type MemorySample } from '../bench/soak-loops.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('the nn for-await loop runs in flat memory in headless Chromium', (t) => {
  const run = spawnSync(process.execPath, ['bench/browser-soak.mjs', '--steps', '200', '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  if (run.status === 2 && process.env['CI'] === undefined) {
    t.skip(`browser prerequisites missing: ${run.stderr.trim()}`);
    return;
  }
  assert.equal(run.status, 0, `browser-soak exited ${run.status}: ${run.stderr}`);
  const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as { backend: string; samples: MemorySample[] };
  assert.equal(result.backend, 'wasm', 'the page runs the wasm backend (cross-origin isolated, Web Workers)');
  // The browser's engine alone decides when to collect: a sample may hold several steps of garbage.
  assert.equal(notFlat(result.samples, 'engine'), null);
});
