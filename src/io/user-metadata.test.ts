import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import '../backend/engine.js';
import { Dense } from '../layers/dense.js';
import { Sequential } from '../models/sequential.js';
import { loadModelFile } from '../node/io/model-formats.js';
import { withTempDir } from '../node/temp-dir-test-util.js';

test('userDefinedMetadata is saved in model.json and read back (TensorFlow.js key); a non-object is refused', async () => {
  await withTempDir('meta', async (dir) => {
    const model = new Sequential({ layers: [new Dense(2, { inputShape: [3] })] });
    assert.equal(model.getUserDefinedMetadata(), undefined);
    model.setUserDefinedMetadata({ classNames: ['a', 'b'], nested: { n: 1 } });
    await model.save(dir);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    assert.deepEqual(json.userDefinedMetadata, { classNames: ['a', 'b'], nested: { n: 1 } });
    const loaded = await loadModelFile(dir);
    assert.deepEqual(loaded.getUserDefinedMetadata(), { classNames: ['a', 'b'], nested: { n: 1 } });
    json.userDefinedMetadata = ['not', 'an', 'object'];
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    await assert.rejects(loadModelFile(dir), /userDefinedMetadata must be an object/);
    assert.throws(() => model.setUserDefinedMetadata([1] as unknown as Record<string, unknown>), /setUserDefinedMetadata takes an object, got an array/);
  });
});
