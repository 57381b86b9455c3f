/**
 * The core's weight in a user's browser bundle (bench/bundle-size.mjs: esbuild, minified, split):
 * what a page loads before any feature imports more. ONNX export (protobufjs), Vega, h5wasm and
 * the TensorFlow.js saver load on first use; the TensorBoard event encoder is Node-only.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './package-test-util.js';

interface Sizes { min: number; gzip: number }
interface BundleSizes { initial: Sizes; lazy: Sizes }

/**
 * Today's budget (gzip bytes of what loads at start), a guard against regressions: 121.5 kB before
 * protobufjs left the core, 88.4 kB after. The 80 kB target needs the layer registry and the
 * Keras/TF.js serializers loaded on use too; lower this as they are.
 */
const INITIAL_GZIP_BUDGET = 90_000;

test(`the core loads at most ${INITIAL_GZIP_BUDGET} gzip bytes at start, and protobufjs only on use`, async (t) => {
  const { measureBundle } = (await import(join(REPO_ROOT, 'bench/bundle-size.mjs'))) as { measureBundle(): Promise<BundleSizes> };
  const sizes = await measureBundle();
  t.diagnostic(`core at start: ${sizes.initial.min} bytes minified, ${sizes.initial.gzip} gzip; loaded on use: ${sizes.lazy.gzip} gzip`);
  assert.ok(sizes.initial.gzip <= INITIAL_GZIP_BUDGET, `the core is ${sizes.initial.gzip} gzip bytes, over the ${INITIAL_GZIP_BUDGET}-byte budget`);
  assert.ok(sizes.lazy.gzip > 25_000, 'protobufjs and the other on-use features are in chunks of their own');
});
