/** `fovea viz`: SVG or PNG by extension, saved models as well as built-in ones, listing layers. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import '../backend/engine.js';
import { saveKeras } from '../io/keras/keras-file.js';
import { mnistCnn } from '../models/mnist-cnn.js';
import { decodePng } from '../node/image-io.js';
import { writeFileAtomic } from '../node/io/atomic-write.js';
import { saveModelFile } from '../node/io/model-formats.js';

import { withTempDir } from '../node/temp-dir-test-util.js';

const MAIN = join(fileURLToPath(new URL('.', import.meta.url)), 'main.js');
const fovea = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });

describe('fovea viz', () => {
  it('curves from a CSV file as PNG and as SVG (by extension or --format)', async () => {
    await withTempDir('viz-curves', async (dir) => {
      const csv = join(dir, 'log.csv');
      writeFileSync(csv, 'epoch,loss,accuracy\n0,0.5,0.8\n1,0.3,0.9\n');
      const r = fovea('viz', 'curves', csv, '-o', join(dir, 'curves.png'), '--scale', '1');
      assert.equal(r.status, 0, r.stderr);
      assert.ok(decodePng(readFileSync(join(dir, 'curves.png'))).width > 600);
      assert.equal(fovea('viz', 'curves', csv, '-o', join(dir, 'curves.svg')).status, 0);
      assert.match(readFileSync(join(dir, 'curves.svg'), 'utf8'), /^<svg[^>]*>.*>accuracy<\/text>/s);
      assert.equal(fovea('viz', 'curves', csv, '-o', join(dir, 'curves.out'), '--format', 'svg').status, 0);
      assert.match(readFileSync(join(dir, 'curves.out'), 'utf8'), /^<svg/);
      const bad = fovea('viz', 'curves', csv, '-o', join(dir, 'curves.gif'));
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /cannot tell the format of '.*curves.gif' from its extension '.gif'; name the file .svg or .png/);
    });
  });

  it('filters of a saved model: a TensorFlow.js folder, its model.json and a .keras file draw what the built-in model draws', async () => {
    await withTempDir('viz-saved', async (dir) => {
      const model = mnistCnn({ seed: 3 });
      await saveModelFile(model, join(dir, 'tfjs'));
      await writeFileAtomic(join(dir, 'm.keras'), await saveKeras(model));
      const tiles = (file: string) => [...readFileSync(file, 'utf8').matchAll(/<image [^>]*href="([^"]+)"/g)].map((m) => m[1]);
      assert.equal(fovea('viz', 'filters', 'mnist-cnn', '--seed', '3', '-o', join(dir, 'builtin.svg')).status, 0);
      for (const [source, out] of [[join(dir, 'tfjs'), 'a.svg'], [join(dir, 'tfjs', 'model.json'), 'b.svg'], [join(dir, 'm.keras'), 'c.svg']]) {
        const r = fovea('viz', 'filters', source, '-o', join(dir, out));
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(tiles(join(dir, out)), tiles(join(dir, 'builtin.svg')));
      }
      const features = fovea('viz', 'features', join(dir, 'm.keras'), '--layer', 'max_pooling2d', '-o', join(dir, 'f.svg'));
      assert.equal(features.status, 0, features.stderr);
      assert.equal((readFileSync(join(dir, 'f.svg'), 'utf8').match(/<image /g) ?? []).length, 32);
      const missing = fovea('viz', 'filters', join(dir, 'nothing.keras'), '-o', join(dir, 'x.svg'));
      assert.equal(missing.status, 1);
      assert.match(missing.stderr, /'.*nothing.keras' is neither a built-in model \(mnist-cnn, lenet5\) nor a saved model file or folder/);
    });
  });

  it('features without --layer lists the layers with their output shapes and how to choose one', () => {
    const r = fovea('viz', 'features', 'mnist-cnn');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /choose a layer with --layer NAME/);
    assert.match(r.stdout, /^ {2}conv2d +\[26, 26, 32\]$/m);
    assert.match(r.stdout, /^ {2}max_pooling2d_1 +\[5, 5, 64\]$/m);
    assert.match(r.stdout, /^ {2}dense_1 +\[10\] +\(not image maps\)$/m);
    assert.match(r.stdout, /Example: fovea viz features mnist-cnn --layer conv2d -o features.svg/);
    const modules = fovea('viz', 'features', 'lenet5');
    assert.equal(modules.status, 0, modules.stderr);
    assert.match(modules.stdout, /choose a module with --layer NAME[\s\S]*conv1 +\[20, 24, 24\]/);
  });
});
