/**
 * Screenshots of the Lab's See inside, Explain and Kernels views for the README:
 * docs/lab-inside.png, docs/lab-explain.png, docs/lab-kernels.png. The views run on the test page
 * (scripts/lab-views.html) in headless Chromium; See inside gets the seed CNN trained for
 * --train steps (default 300) on MNIST in the page, a drawn 7, and the confusion matrix.
 *
 *   npm run build && node scripts/lab-screenshots.mjs [--train 300]
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, missingPrerequisite, withPage } from './browser-server.mjs';
import { drawSeven } from './lab-drawing.mjs';

const trainArg = process.argv.indexOf('--train');
const train = trainArg > 0 ? Number(process.argv[trainArg + 1]) : 300;
const VIEWPORT = { width: 1280, height: 900 };

function writeAtomically(path, bytes) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}

async function shoot(view, query, act) {
  await withPage(`scripts/lab-views.html?view=${view}${query}`, async (page, _browser, errors) => {
    await act(page);
    if (errors.length > 0) throw new Error(`${view}: ${errors.join('; ')}`);
    const path = join(ROOT, 'docs', `lab-${view}.png`);
    writeAtomically(path, await page.screenshot({ fullPage: true }));
    console.log(`wrote ${path}`);
  }, { consoleErrors: true, viewport: VIEWPORT });
}

const missing = await missingPrerequisite();
if (missing !== null) {
  console.error(missing);
  process.exit(2);
}
mkdirSync(join(ROOT, 'docs'), { recursive: true });
await shoot('inside', `&train=${train}`, async (page) => {
  await drawSeven(page);
  await page.waitForFunction(() => /^\d+$/.test(document.getElementById('view').dataset.analysed ?? ''), null, { timeout: 60_000 });
  await page.click('[data-action="confusion"]');
  await page.waitForSelector('[data-result="confusion"][data-total]', { timeout: 120_000 });
  console.log(`stroke end to every layer's maps: ${await page.evaluate(() => document.getElementById('view').dataset.analyseMs)} ms`);
  console.log(await page.textContent('.lab-confusion-panel [role="status"]'));
});
await shoot('explain', '', async (page) => {
  for (let i = 0; i < 4; i++) await page.click('.lab-explain-conv [data-step="next"]');
  await page.click('.lab-explain-pool [data-step="next"]');
});
await shoot('kernels', '', async (page) => {
  await page.waitForSelector('[data-image="result"][data-kernel]', { timeout: 30_000 });
});
