/**
 * Serves one built folder (a bundled test page) to headless Chromium, the way a static host or a
 * misconfigured dev server would: with or without the cross-origin isolation headers, and
 * optionally answering every unknown path with index.html (a single-page-app fallback). The
 * bundler tests (test/browser-bundles.test.ts) use it to see what a page author would see.
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { CHROMIUM } from './browser-server.mjs';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css' };
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/** A request handler for `folder`: files inside it only, index.html for '/', 404 (or index.html) otherwise. */
function handler(folder, { isolation, spaFallback }) {
  return async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://localhost').pathname)).replace(/^[/\\]+/, '') || 'index.html';
    const headers = { 'Cache-Control': 'no-store', ...(isolation ? ISOLATION : {}) };
    const send = (status, file, body) => { res.writeHead(status, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', ...headers }); res.end(body); };
    if (path.split(sep).includes('..')) return send(404, '.txt', 'not served');
    try {
      send(200, path, await readFile(join(folder, path)));
    } catch {
      if (spaFallback) send(200, 'index.html', await readFile(join(folder, 'index.html')));
      else send(404, '.txt', 'not found');
    }
  };
}

/**
 * Opens `folder`'s index.html in headless Chromium, waits for `window.foveaReady`, runs
 * `use(page, consoleLines)` and closes everything. Options: `isolation` (default true) sends
 * COOP/COEP; `spaFallback` answers unknown paths with index.html.
 */
export async function withFolderPage(folder, use, { isolation = true, spaFallback = false } = {}) {
  const { chromium } = await import('playwright-core');
  const server = createServer((req, res) => { handler(folder, { isolation, spaFallback })(req, res).catch(() => res.destroy()); });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    const page = await browser.newPage();
    const lines = [];
    page.on('console', (m) => lines.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => lines.push(`pageerror: ${e.message}`));
    await page.goto(`http://localhost:${server.address().port}/`);
    await page.waitForFunction(() => window.foveaReady === true, null, { timeout: 30_000 }).catch(() => {
      throw new Error(`the page did not load: ${lines.join('; ') || 'no message'}`);
    });
    return await use(page, lines);
  } finally {
    await browser.close();
    server.close();
  }
}
