/**
 * Saving and loading in the page (issue 15): a model kept in IndexedDB loads back after a reload
 * with the same predictions; the downloaded TF.js files upload back to the same model; ONNX
 * exports; a file or name that does not load shows a clear message and the current model stays.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import type { Download, Page } from 'playwright-core';
import { labSkipReason, withLab } from './lab-test-util.js';

const skip = await labSkipReason();
const CORE = '/fovea/index.js';

/** The current model's outputs for four fixed images (the page keeps the probe). */
function predictions(page: Page): Promise<number[]> {
  return page.evaluate(async (core) => {
    const f = await import(core);
    const probe = f.tensor(Float32Array.from({ length: 4 * 784 }, (_, i) => ((i * 7919) % 255) / 255), [4, 28, 28, 1]);
    const model = window.foveaLab?.model();
    if (!model) throw new Error('no model');
    return Array.from(model.predict(probe).dataSync());
  }, CORE);
}

/** One SGD step on fixed data, so the weights differ from what building the stack gives. */
function nudgeWeights(page: Page): Promise<void> {
  return page.evaluate(async (core) => {
    const f = await import(core);
    const model = window.foveaLab?.model() as unknown as { compile(o: object): void; trainOnBatch(x: unknown, y: unknown): unknown };
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = f.tensor(Float32Array.from({ length: 8 * 784 }, (_, i) => ((i * 31) % 97) / 97), [8, 28, 28, 1]);
    model.trainOnBatch(x, f.toCategorical([0, 1, 2, 3, 4, 5, 6, 7], 10));
  }, CORE);
}

/** The files the page downloads while `act` runs, in order. */
async function downloadsOf(page: Page, count: number, act: () => Promise<void>): Promise<{ name: string; buffer: Buffer }[]> {
  const seen: Download[] = [];
  const listener = (d: Download) => seen.push(d);
  page.on('download', listener);
  try {
    await act();
    for (let waited = 0; seen.length < count && waited < 20_000; waited += 50) await page.waitForTimeout(50);
  } finally {
    page.off('download', listener);
  }
  assert.equal(seen.length, count, `expected ${count} downloads, got ${seen.length}`);
  return Promise.all(seen.map(async (d) => ({ name: d.suggestedFilename(), buffer: await readFile((await d.path()) as string) })));
}

async function errorsShown(page: Page): Promise<string> {
  return (await page.locator('#errors li').allTextContents()).join('\n');
}

test('a model saved to IndexedDB loads back with the same predictions; downloads upload back; bad files keep the model', { skip: skip ?? false, timeout: 120_000 }, async () => {
  await withLab(async (lab) => {
    const page = lab.page;
    await lab.open('#save');
    await nudgeWeights(page);
    const saved = await predictions(page);
    await page.click('#save-idb');
    await page.waitForFunction(() => /Saved as indexeddb:\/\/lab-model/.test(document.querySelector('#save-note')?.textContent ?? ''));

    const [jsonFile, weightsFile] = await downloadsOf(page, 2, () => page.click('#save-download'));
    assert.equal(jsonFile.name, 'lab-model.json');
    assert.match(weightsFile.name, /^lab-model\..*\.bin$/);
    assert.equal(weightsFile.buffer.length, 93_322 * 4, 'float32 weights of the seed CNN');

    const [onnxFile] = await downloadsOf(page, 1, () => page.click('#save-onnx'));
    assert.equal(onnxFile.name, 'lab-model.onnx');
    assert.ok(onnxFile.buffer.length > 93_322 * 4);

    // After a reload the page builds the stack afresh: different weights, different outputs.
    await lab.open('#save');
    const fresh = await predictions(page);
    assert.notDeepEqual(fresh, saved);

    // Files that do not load: a message, and the current model stays.
    await page.setInputFiles('#save-upload', [{ name: 'model.json', mimeType: 'application/json', buffer: Buffer.from('{"modelTopology": 5}') }]);
    await page.waitForFunction(() => /could not load the uploaded files; the current model stays/.test(document.querySelector('#errors')?.textContent ?? ''));
    await page.fill('#save-name', 'no-such-model');
    await page.click('#load-idb');
    await page.waitForFunction(() => /could not load indexeddb:\/\/no-such-model; the current model stays/.test(document.querySelector('#errors')?.textContent ?? ''));
    assert.deepEqual(await predictions(page), fresh);

    await page.fill('#save-name', 'lab-model');
    await page.click('#load-idb');
    await page.waitForFunction(() => /^Loaded indexeddb:\/\/lab-model/.test(document.querySelector('#save-note')?.textContent ?? ''));
    assert.deepEqual(await predictions(page), saved);

    await lab.open('#save');
    await page.setInputFiles('#save-upload', [{ name: jsonFile.name, mimeType: 'application/json', buffer: jsonFile.buffer }, { name: weightsFile.name, mimeType: 'application/octet-stream', buffer: weightsFile.buffer }]);
    await page.waitForFunction(() => /^Loaded the uploaded files/.test(document.querySelector('#save-note')?.textContent ?? ''));
    assert.deepEqual(await predictions(page), saved);
    assert.match(await page.textContent('.current-model') ?? '', /93,322 parameters \(loaded\)/);
    await lab.screenshot('save');

    // The loaded model is what Build shows and edits.
    await page.click('#tab-build');
    assert.match((await page.textContent('.totals')) ?? '', /Total params: 93,322\b/);
    assert.doesNotMatch(await errorsShown(page), /Build:/);
    assert.deepEqual(lab.problems, []);
  });
});
