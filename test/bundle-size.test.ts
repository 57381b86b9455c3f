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

/** Shipped modules (dist/src, tests aside) and the relative modules each imports for its effect alone. */
async function effectImports(): Promise<Map<string, string[]>> {
  const { readdir, readFile } = await import('node:fs/promises');
  const { dirname, relative, resolve } = await import('node:path');
  const found = new Map<string, string[]>();
  for (const entry of await readdir(join(REPO_ROOT, 'dist/src'), { recursive: true })) {
    if (!entry.endsWith('.js') || entry.endsWith('.test.js') || entry.includes('test-util')) continue;
    const file = join(REPO_ROOT, 'dist/src', entry);
    const targets = [...(await readFile(file, 'utf8')).matchAll(/^import ['"](\.[^'"]+)['"];$/gm)].map((m) => resolve(dirname(file), m[1]!));
    if (targets.length > 0) found.set(file, targets);
  }
  const packagePath = (abs: string) => `./${relative(REPO_ROOT, abs).split('\\').join('/')}`;
  return new Map([...found].map(([file, targets]) => [packagePath(file), targets.map(packagePath)]));
}

// Bundlers drop a module outside package.json's "sideEffects" when none of its exports is used, and
// Rollup (Vite) also skips a barrel whose re-exports it resolves past: both the module imported for
// its effect and every module importing it that way must be listed, or the effect vanishes from
// users' bundles (the PyTorch-style Tensor methods, the Node file-system IO handler).
test('package.json "sideEffects" lists every module imported for its effect, and each module importing one', async () => {
  const pkg = JSON.parse(await (await import('node:fs/promises')).readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { sideEffects: string[] };
  const listed = new Set(pkg.sideEffects);
  const missing: string[] = [];
  for (const [importer, targets] of await effectImports()) {
    for (const path of [importer, ...targets]) if (!listed.has(path)) missing.push(`${path}${path === importer ? '' : ` (imported for its effect by ${importer})`}`);
  }
  assert.deepEqual(missing, [], 'add these to package.json "sideEffects"');
});
