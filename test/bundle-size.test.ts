/**
 * The core's weight in a user's browser bundle (bench/bundle-size.mjs: esbuild, minified, split):
 * what a page loads before any feature imports more. ONNX export (protobufjs), the wasm kernels'
 * code (with useWasmBackendInBrowser), Vega, h5wasm and the TensorFlow.js saver load on first use;
 * the TensorBoard event encoder is Node-only.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './package-test-util.js';

interface Sizes { min: number; gzip: number }
interface BundleSizes { initial: Sizes; lazy: Sizes }

/**
 * The budget (gzip bytes of what loads at start): 80 kB, as issue 15 asks. Main had 119 kB: protobufjs
 * (ONNX export) and the wasm kernels' code loaded with the core; now they load on use.
 */
const INITIAL_GZIP_BUDGET = 80_000;

test(`the core loads at most ${INITIAL_GZIP_BUDGET} gzip bytes at start, and protobufjs only on use`, async (t) => {
  const { measureBundle } = (await import(join(REPO_ROOT, 'bench/bundle-size.mjs'))) as { measureBundle(): Promise<BundleSizes> };
  const sizes = await measureBundle();
  t.diagnostic(`core at start: ${sizes.initial.min} bytes minified, ${sizes.initial.gzip} gzip; loaded on use: ${sizes.lazy.gzip} gzip`);
  assert.ok(sizes.initial.gzip <= INITIAL_GZIP_BUDGET, `the core is ${sizes.initial.gzip} gzip bytes, over the ${INITIAL_GZIP_BUDGET}-byte budget`);
  assert.ok(sizes.lazy.gzip > 25_000, 'protobufjs and the other on-use features are in chunks of their own');
});
