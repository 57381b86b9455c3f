#!/usr/bin/env node
/**
 * Opt-in check that Fovea's browser build runs in a real headless Chromium: the wasm backend on
 * Web Workers (2 threads) over shared memory, conv2d and its gradients against the ref backend,
 * a few training steps of the seed CNN and inference throughput. Not part of `npm test`.
 * Needs /usr/bin/chromium (scripts/install-browser.sh), `npm install --no-save playwright-core`
 * and a build (`npm run build`). Exits 0 when every check passes, 1 on a failure, 2 when a
 * prerequisite is missing.
 */
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** Only these folders are served (the page, the build, the kernels, the packages the import map names). */
const SERVED = ['scripts/', 'dist/', 'wasm/build/', 'node_modules/fflate/', 'node_modules/h5wasm/', 'node_modules/protobufjs/'];
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json' };
/** protobufjs/light.js is CommonJS; its UMD bundle sets globalThis.protobuf, which this module re-exports. */
const PROTOBUF_SHIM = "import '/node_modules/protobufjs/dist/light/protobuf.js';\nexport default globalThis.protobuf;\n";
/** Cross-origin isolation: without these two headers the page gets no SharedArrayBuffer. */
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' };

function fail(code, message) {
  console.error(`browser-check: ${message}`);
  process.exit(code);
}

async function respond(req, res) {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://localhost').pathname)).replace(/^[/\\]+/, '');
  const send = (status, type, body) => { res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...ISOLATION }); res.end(body); };
  if (path === 'shim/protobufjs-light.js') return send(200, TYPES['.js'], PROTOBUF_SHIM);
  if (path.split(sep).includes('..') || !SERVED.some((dir) => path.startsWith(dir))) return send(404, 'text/plain', 'not served');
  try {
    send(200, TYPES[extname(path)] ?? 'application/octet-stream', await readFile(join(ROOT, path)));
  } catch {
    send(404, 'text/plain', 'not found');
  }
}

async function main() {
  if (!existsSync(CHROMIUM)) fail(2, `${CHROMIUM} not found; run: bash scripts/install-browser.sh`);
  if (!existsSync(join(ROOT, 'dist/src/index.js')) || !existsSync(join(ROOT, 'wasm/build/fovea-simd.wasm'))) fail(2, 'no build found; run: npm run build');
  const { chromium } = await import('playwright-core').catch(() => fail(2, 'playwright-core is not installed; run: npm install --no-save playwright-core'));

  const server = createServer((req, res) => { respond(req, res).catch(() => res.destroy()); });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://localhost:${server.address().port}/scripts/browser-check.html`;
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('response', (r) => { if (r.status() >= 400) pageErrors.push(`HTTP ${r.status()} for ${r.url()}`); });
    await page.goto(url);
    await page.waitForFunction(() => window.foveaReady === true, null, { timeout: 30_000 }).catch(() => {
      throw new Error(`the page did not load Fovea: ${pageErrors.join('; ') || 'no error reported'}`);
    });
    const r = await page.evaluate(() => window.foveaCheck());
    report(await browser.version(), r);
  } finally {
    await browser.close();
    server.close();
  }
}

/** Prints the results and sets the exit code from the checks. */
function report(version, r) {
  console.log(`Chromium ${version}; crossOriginIsolated ${r.crossOriginIsolated}; WebAssembly SIMD ${r.features.simd}, shared memory ${r.features.threads}`);
  const checks = [
    ['crossOriginIsolated', r.crossOriginIsolated === true],
    ['WebAssembly SIMD and shared memory', r.features.simd && r.features.threads],
  ];
  if (r.backend !== undefined) {
    console.log(`backend ${r.backend}, ${r.threads} threads (Web Workers), ${r.variant} kernels; the worker ran a job; ${r.parallelJobs} kernels split across threads`);
    console.log(`conv2d [8,13,13,32] * [3,3,32,64] vs ref, max rel err: y ${r.conv.y.toExponential(2)}, dX ${r.conv.dx.toExponential(2)}, dW ${r.conv.dw.toExponential(2)}`);
    console.log(`seed CNN, 20 steps of batch 64: loss ${r.lossBefore.toFixed(4)} -> ${r.lossAfter.toFixed(4)} (${Math.round(r.trainSamplesPerSec)} samples/s)`);
    console.log(`inference, 1,024 images at batch 256: ${Math.round(r.inferSamplesPerSec)} samples/s (best of 3)`);
    checks.push(
      ["backend is 'wasm' with 2 threads", r.backend === 'wasm' && r.threads === 2],
      ['kernels split across threads', r.parallelJobs > 0],
      ['conv2d y, dX, dW within 1e-4 of ref', Math.max(r.conv.y, r.conv.dx, r.conv.dw) <= 1e-4],
      ['training loss decreased', r.lossAfter < r.lossBefore],
    );
  }
  for (const [name, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  const failed = checks.filter(([, ok]) => !ok).length;
  console.log(`${checks.length - failed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((e) => fail(1, e instanceof Error ? e.message : String(e)));
