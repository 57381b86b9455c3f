/**
 * The charts are made by the browser core: in headless Chromium, the page
 * (scripts/browser-charts.html) builds training curves, a filter grid and a confusion matrix as
 * SVG with Vega and lays them out in the DOM. Skipped where Chromium or playwright-core is
 * missing, except in CI (CI=true), whose .ci/run installs Chromium first.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

interface Charts {
  curves: string;
  filters: string;
  confusion: string;
  sizes: [number, number][];
}

interface BrowserServer {
  missingPrerequisite(): Promise<string | null>;
  withPage<T>(pagePath: string, use: (page: { evaluate<R>(f: () => Promise<R>): Promise<R> }, browser: unknown, errors: string[]) => Promise<T>): Promise<T>;
}

test('training curves, a filter grid and a confusion matrix render as SVG in headless Chromium', async (t) => {
  const server = (await import(new URL('../../scripts/browser-server.mjs', import.meta.url).href)) as BrowserServer;
  const missing = await server.missingPrerequisite();
  if (missing !== null && process.env['CI'] === undefined) {
    t.skip(`browser prerequisites missing: ${missing}`);
    return;
  }
  const charts = await server.withPage('scripts/browser-charts.html', async (page, _browser, errors) => {
    const result = await page.evaluate(() => (window as unknown as { foveaCharts(): Promise<Charts> }).foveaCharts());
    assert.deepEqual(errors, []);
    return result;
  });
  assert.match(charts.curves, /<text[^>]*>learning rate<\/text>/);
  assert.match(charts.curves, /<text[^>]*>validation<\/text>/);
  assert.equal((charts.filters.match(/<image [^>]*href="data:image\/png;base64,/g) ?? []).length, 4);
  assert.match(charts.confusion, /<text[^>]*>Confusion matrix \(accuracy 80.0%\)<\/text>/);
  for (const [width, height] of charts.sizes) assert.ok(width > 100 && height > 100, `a chart laid out at ${width}x${height}`);
});
