/** warmUpBackend runs the kernels until they stop getting faster and leaves no trace a user sees. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { engine } from '../backend/engine.js';
import { Dense } from '../layers/dense.js';
import { warmUpBackend } from './warm-up.js';

test('warmUpBackend runs rounds within its budget and keeps the layer-name counter and the backend', async () => {
  const before = new Dense(1).name;
  const backend = engine.backend.name;
  const report = await warmUpBackend({ budgetMs: 400 });
  assert.ok(report.roundMs.length >= 1, 'at least one round');
  // The budget bounds the rounds (one round may start just before it ends).
  const rounds = report.roundMs.reduce((a, b) => a + b, 0);
  assert.ok(rounds < 400 + Math.max(...report.roundMs) + 50, `rounds took ${rounds} ms for a 400 ms budget`);
  assert.ok(report.ms >= report.workersMs);
  if (report.converged) assert.ok(report.roundMs.length >= 6);
  // The user's next layer is named as if the warm-up had not run: 'dense' then 'dense_1'.
  const after = new Dense(1).name;
  assert.equal(after, before === 'dense' ? 'dense_1' : `dense_${Number(before.split('_').pop()) + 1}`);
  assert.equal(engine.backend.name, backend);
});

test('warmUpBackend stops once warm or once the default budget is spent', async () => {
  const report = await warmUpBackend();
  // Converged, or the whole budget was spent trying (a loaded machine): never more.
  assert.ok(report.converged || report.roundMs.reduce((a, b) => a + b, 0) >= 1000 - Math.max(...report.roundMs), JSON.stringify(report));
});
