/**
 * Fovea Lab in headless Chromium (issue 15): every view loads without a console error, the Build
 * view counts the seed CNN's parameters, and a stack whose shapes do not fit shows the library's
 * message at the failing layer while the stack is kept, across a reload too.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labSkipReason, withLab } from './lab-test-util.js';

const VIEWS = ['build', 'train', 'inside', 'explain', 'kernels', 'save'];
const skip = await labSkipReason();

test('every view of the Lab loads with no console error', { skip: skip ?? false }, async (t) => {
  await withLab(async (lab) => {
    await lab.open();
    t.diagnostic(`navigation to ready: ${await lab.page.evaluate(() => document.body.dataset['readyMs'])} ms (the page's own count)`);
    assert.match((await lab.page.textContent('#status-backend')) ?? '', /^Backend: wasm \((relaxed )?SIMD, \d+ threads\)$/);
    for (const view of VIEWS) {
      await lab.page.click(`#tab-${view}`);
      await lab.page.waitForSelector(`#view-${view} h2`, { state: 'visible' });
      assert.equal(await lab.page.getAttribute(`#tab-${view}`, 'aria-selected'), 'true');
      assert.equal(await lab.page.locator('section.view:not([hidden])').count(), 1, `only the ${view} view shows`);
      if (view !== 'train' && view !== 'save') await lab.screenshot(view);
    }
    // A view opened directly by its address loads too.
    await lab.open('#save');
    assert.ok(await lab.page.isVisible('#save-idb'));
    assert.deepEqual(await lab.page.locator('#errors li').allTextContents(), []);
    assert.deepEqual(lab.problems, []);
  });
});

test('Build shows the seed CNN (93,322 parameters) and LeNet-5, and a stack that does not fit shows the error and is kept', { skip: skip ?? false }, async () => {
  await withLab(async (lab) => {
    await lab.open('#build');
    const page = lab.page;
    assert.match((await page.textContent('.totals')) ?? '', /Total params: 93,322\b/);
    assert.equal(await page.locator('.summary-table tbody tr').count(), 9, 'the input row and eight layers');
    assert.match((await page.textContent('.summary-table tbody tr:nth-child(6)')) ?? '', /conv2d_2 \(Conv2D\)\s*\(None, 3, 3, 64\)\s*36,928\s*18×18/);

    await page.click('button[data-preset="lenet5"]');
    assert.match((await page.textContent('.totals')) ?? '', /Total params: 176,050\b/);
    await page.click('button[data-preset="seed"]');

    // Layer 3's kernel 20 cannot slide over its 13x13 input.
    const kernel = page.locator('.stack li:nth-child(3) input[aria-label="kernel"]');
    await kernel.fill('20');
    await kernel.dispatchEvent('change');
    const error = (await page.textContent('.stack li:nth-child(3) .layer-error')) ?? '';
    assert.match(error, /conv2d_1.*Conv2D/);
    assert.match(error, /\(None, 13, 13, 32\)|13, 13, 32/);
    assert.match((await page.textContent('.totals')) ?? '', /Layer 3 does not fit/);
    assert.equal(await page.locator('.summary-table tr.failed').count(), 1);
    assert.equal(await page.evaluate(() => window.foveaLab?.model() ?? null), null, 'no model while the stack does not fit');
    await lab.screenshot('build-error');

    // Nothing is lost on reload: the stack, the bad kernel and its message come back.
    await lab.open('#build');
    assert.equal(await page.locator('.stack li').count(), 8);
    assert.equal(await page.inputValue('.stack li:nth-child(3) input[aria-label="kernel"]'), '20');
    assert.match((await page.textContent('.stack li:nth-child(3) .layer-error')) ?? '', /conv2d_1/);

    // A value that is not a kernel size is refused where it is typed; the stack keeps its last valid value.
    await kernel.fill('0');
    await kernel.dispatchEvent('change');
    assert.match((await page.textContent('#errors')) ?? '', /layer 3: kernel must be an integer from 1 to 28, got "0"/);
    assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('fovea-lab.stack') ?? '[]')[2].kernel), 20);

    // Fixing it brings the model back; removing and reordering layers update the table at once.
    await kernel.fill('3');
    await kernel.dispatchEvent('change');
    assert.match((await page.textContent('.totals')) ?? '', /Total params: 93,322\b/);
    await page.click('.stack li:nth-child(2) button[aria-label="Remove layer 2"]');
    assert.match((await page.textContent('.summary-table tbody tr:nth-child(3)')) ?? '', /conv2d_1 \(Conv2D\)\s*\(None, 24, 24, 64\)/);
    await page.click('button[data-preset="seed"]');
    await page.click('.stack li:nth-child(8) button[aria-label="Move layer 8 up"]');
    assert.match((await page.textContent('.summary-table tbody tr:nth-child(8)')) ?? '', /dense \(Dense\)\s*\(None, 10\)\s*5,770/);
    await page.click('button[data-preset="seed"]');
    await lab.open('#build');
    assert.match((await page.textContent('.totals')) ?? '', /Total params: 93,322\b/);
    await lab.screenshot('build');
    assert.deepEqual(lab.problems, []);
  });
});

test('served without the isolation headers, the Lab runs on ref and the status line says which headers to send', { skip: skip ?? false }, async () => {
  await withLab(async (lab) => {
    // A static host that drops the two headers: every response passes through without them.
    await lab.page.route('**/*', async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['cross-origin-opener-policy'];
      delete headers['cross-origin-embedder-policy'];
      await route.fulfill({ response, headers });
    });
    await lab.open('#build');
    assert.equal(await lab.page.evaluate(() => crossOriginIsolated), false);
    assert.match((await lab.page.textContent('#status-backend')) ?? '', /^Backend: ref \(slow\): the page is not cross-origin isolated, .*Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp$/);
    assert.match((await lab.page.textContent('.totals')) ?? '', /Total params: 93,322\b/, 'the Lab still works, on ref');
    assert.deepEqual(lab.problems, []);
  });
});

test('a saved stack that is not valid is reported by layer and field, and the Lab starts from the seed CNN', { skip: skip ?? false }, async () => {
  await withLab(async (lab) => {
    await lab.open('#build');
    for (const [stored, message] of [
      ['[{"kind":"conv2d","filters":32,"kernel":3,"stride":1,"padding":"valid","activation":"relux"}]', /layer 1: activation must be one of relu, linear, sigmoid, tanh, softmax, got "relux"/],
      ['{"layers": []}', /the layer stack must be a JSON array, got object/],
      ['[{"kind":"dense","units":1.5,"activation":"relu"}]', /layer 1: units must be an integer from 1 to 65536, got 1.5/],
      ['not json', /JSON/],
    ] as const) {
      await lab.page.evaluate((text) => localStorage.setItem('fovea-lab.stack', text), stored);
      await lab.open('#build');
      assert.match((await lab.page.textContent('#errors')) ?? '', /Build: the saved layer stack is not valid/);
      assert.match((await lab.page.textContent('#errors')) ?? '', message);
      assert.match((await lab.page.textContent('.totals')) ?? '', /Total params: 93,322\b/);
    }
    assert.deepEqual(lab.problems, []);
  });
});
