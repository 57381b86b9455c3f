import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { writeShapesFolder } from '../node/data/shapes-folder-test-util.js';
import { withTempDir } from '../node/temp-dir-test-util.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('./main.js', import.meta.url));

test('fovea train folder DIR trains on a shapes folder to >= 95% validation accuracy, saves, and fovea predict prints class names', async () => {
  await withTempDir('cli-folder', async (tmp) => {
    const dir = join(tmp, 'shapes');
    writeShapesFolder(dir, { perClass: 100, seed: 1 });
    const out = join(tmp, 'model');
    const { stdout } = await run(process.execPath, [cli, 'train', 'folder', dir, '--image-size', '32', '--color-mode', 'grayscale', '--validation-split', '0.2',
      '--epochs', '12', '--batch-size', '16', '--workers', '2', '--save', out], { timeout: 120_000 });
    const lines = stdout.split('\n');
    for (const line of ['Found 300 files belonging to 3 classes.', 'Using 240 files for training.', 'Using 60 files for validation.', 'Classes: circle, square, triangle']) {
      assert.ok(lines.includes(line), `missing "${line}" in:\n${stdout}`);
    }
    const accuracy = Number(/Validation accuracy: ([\d.]+)%/.exec(stdout)?.[1]);
    assert.ok(accuracy >= 95, `validation accuracy ${accuracy}%`);
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    assert.deepEqual(json.userDefinedMetadata, { classNames: ['circle', 'square', 'triangle'], inputRange: [0, 255], colorMode: 'grayscale' });
    const predicted = await run(process.execPath, [cli, 'predict', out, join(dir, 'triangle', 'triangle-00007.jpg'), '--top', '3'], { timeout: 60_000 });
    const ranked = predicted.stdout.split('\n').slice(1, 4).map((l) => l.trim().split(/\s+/)[0]);
    assert.deepEqual([...ranked].sort(), ['circle', 'square', 'triangle']);
    assert.equal(ranked[0], 'triangle', predicted.stdout);
  });
});

test('fovea train folder --augment trains with flips, rotations and zooms to >= 95% validation accuracy; the saved model predicts without them', async () => {
  await withTempDir('cli-folder-augment', async (tmp) => {
    const dir = join(tmp, 'shapes');
    writeShapesFolder(dir, { perClass: 100, seed: 1 });
    const out = join(tmp, 'model');
    const { stdout } = await run(process.execPath, [cli, 'train', 'folder', dir, '--image-size', '32', '--color-mode', 'grayscale', '--validation-split', '0.2',
      '--epochs', '30', '--batch-size', '16', '--workers', '2', '--augment', '--save', out], { timeout: 180_000 });
    const accuracy = Number(/Validation accuracy: ([\d.]+)%/.exec(stdout)?.[1]);
    assert.ok(accuracy >= 95, `validation accuracy ${accuracy}%`);
    const layers = (JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).modelTopology.config.layers as { class_name: string }[]).map((l) => l.class_name);
    for (const name of ['RandomFlip', 'RandomRotation', 'RandomZoom']) assert.ok(layers.includes(name), `${name} in ${layers.join(', ')}`);
    const predicted = await run(process.execPath, [cli, 'predict', out, join(dir, 'square', 'square-00000.png'), '--top', '1'], { timeout: 60_000 });
    assert.equal(predicted.stdout.split('\n')[1]?.trim().split(/\s+/)[0], 'square', predicted.stdout);
  });
});

test('fovea train folder refuses a missing folder argument and mnist-only flags', async () => {
  const failed = (args: string[]) => run(process.execPath, [cli, 'train', ...args]).then(() => '', (e: { stderr: string }) => e.stderr);
  assert.match(await failed(['folder']), /train folder: give the folder: fovea train folder DIR/);
  assert.match(await failed(['folder', '.', '--limit', '3']), /--json and --limit are for mnist/);
  assert.match(await failed(['cifar']), /unknown data set 'cifar'; available: mnist, folder DIR/);
});
