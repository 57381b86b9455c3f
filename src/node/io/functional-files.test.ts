/**
 * Functional models on disk in every writable model format that holds a topology: `model.save`
 * (a folder in the TensorFlow.js layers format), saveModelFile to a folder, `.json` and `.keras`;
 * each loads back as a functional Model with bit-identical predictions on every output.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { bits, randomInput, residualTwoBranch, twoInTwoOut } from '../../io/io-test-util.js';
import { loadModel } from '../../io/model-io.js';
import { Model } from '../../models/functional.js';
import type { Tensor } from '../../tensor/tensor.js';
import { loadModelFile, saveModelFile } from './model-formats.js';
import { withTempDir as inTempDir } from '../temp-dir-test-util.js';

const withTempDir = (run: (dir: string) => Promise<void>) => inTempDir('functional', run);

const list = (y: Tensor | Tensor[]): Tensor[] => (Array.isArray(y) ? y : [y]);

function assertSame(loaded: unknown, model: Model, x: Tensor[], where: string): void {
  assert.ok(loaded instanceof Model, `${where}: loaded a ${(loaded as object).constructor.name}`);
  const ours = list(model.predict(x.length === 1 ? x[0] : x));
  const theirs = list(loaded.predict(x.length === 1 ? x[0] : x));
  assert.equal(theirs.length, ours.length, where);
  ours.forEach((y, i) => assert.deepEqual(bits(theirs[i].dataSync()), bits(y.dataSync()), `${where} output ${i}`));
}

test('model.save of a functional model writes a functional model.json that loadModel reads back', () => withTempDir(async (dir) => {
  const model = residualTwoBranch(9);
  await model.save(join(dir, 'residual'));
  const json = JSON.parse(await readFile(join(dir, 'residual', 'model.json'), 'utf8'));
  assert.equal(json.modelTopology.class_name, 'Model');
  assertSame(await loadModel(join(dir, 'residual')), model, [randomInput(4, [8, 8, 2], 1)], 'folder');
}));

test('saveModelFile / loadModelFile keep a two-input, two-output functional model in a folder, .json and .keras', () => withTempDir(async (dir) => {
  const model = twoInTwoOut(8);
  const x = [randomInput(4, [8, 8, 1], 2), randomInput(4, [3], 3)];
  for (const name of ['folder', 'model.json', 'model.keras']) {
    const path = join(dir, name);
    await saveModelFile(model, path);
    assertSame(await loadModelFile(path), model, x, name);
  }
}));
