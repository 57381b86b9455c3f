/**
 * A training loop that never yields to the event loop (a plain PyTorch-style `for`) must not grow
 * memory: tensors that become unreachable take their reference-backend arrays with them at
 * garbage collection, without waiting for finalization callbacks.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { engine, gradients, mul, sum, tensor, Variable } from '../src/index.js';

test('a synchronous loop of large temporaries stays within bounded memory (ref backend)', () => {
  engine.setBackend('ref');
  const w = new Variable(tensor(new Float32Array(1 << 20).fill(0.5), [1024, 1024]));
  const before = process.memoryUsage().arrayBuffers;
  let peak = 0;
  for (let step = 0; step < 150; step++) {
    // Each step makes ~5 arrays of 4 MB (product, gradient pieces); 150 steps make ~3 GB in all.
    const loss = sum(mul(w, w));
    const [g] = gradients(loss, [w]);
    assert.ok(g !== null);
    peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
  }
  assert.ok(peak < 600 * 2 ** 20, `array buffers grew by ${(peak / 2 ** 20).toFixed(0)} MB in a loop that never yields`);
});
