import assert from 'node:assert/strict';
import { test } from 'node:test';
import './engine.js';
import { backendStatus, getBackendStatus } from './backend-status.js';
import { engine } from './engine.js';

test('a status is one line a page can show, with the reason only where there is one', () => {
  const fast = backendStatus({ backend: 'wasm', threads: 2, variant: 'relaxed' });
  assert.equal(String(fast), 'wasm (relaxed SIMD, 2 threads)');
  assert.equal('reason' in fast, false);
  assert.equal(`${backendStatus({ backend: 'wasm', threads: 1, variant: 'simd' })}`, 'wasm (SIMD, 1 thread)');
  const slow = backendStatus({ backend: 'ref', threads: 1, variant: null, reason: 'the page is not cross-origin isolated' });
  assert.equal(String(slow), 'ref: the page is not cross-origin isolated');
  assert.ok(Object.isFrozen(slow));
});

test('getBackendStatus says why ref runs in a process where nothing set up wasm', () => {
  engine.setBackend('ref');
  const status = getBackendStatus();
  assert.equal(status.backend, 'ref');
  assert.equal(status.threads, 1);
  assert.equal(status.variant, null);
  assert.equal(status.reason, 'the wasm backend is not registered');
});

test('useWasmBackendInBrowser rejects a thread count outside 1-6, naming it, before any setup', async () => {
  const { useWasmBackendInBrowser } = await import('./wasm/browser-register.js');
  await assert.rejects(useWasmBackendInBrowser({ kernelsUrl: 'http://localhost/', threads: 7 }), /^Error: useWasmBackendInBrowser: threads must be an integer in \[1, 6\], got 7$/);
  await assert.rejects(useWasmBackendInBrowser({ kernelsUrl: 'http://localhost/', threads: 1.5 }), /got 1\.5$/);
});
