import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../backend/engine.js';
import { tensor } from '../ops/index.js';
import { checkLayer } from '../testing/layer-harness.js';
import { Flatten } from './flatten.js';

test('Flatten keeps the batch axis and flattens the rest', () => {
  checkLayer(new Flatten(), [2, 3, 3, 4], { outputShape: [null, 36], params: 0 });
  assert.deepEqual(new Flatten().computeOutputShape([null, 3, 3, 64]), [null, 576]);
});

test('Flatten channels_first orders features as channels-last would', () => {
  // x[n, c, h, w] = c * 10 + h * 2 + w (C=2, H=2, W=2); channels-last order interleaves channels.
  const values = [0, 1, 2, 3, 10, 11, 12, 13];
  const y = new Flatten({ dataFormat: 'channels_first' }).apply(tensor(values, [1, 2, 2, 2]));
  assert.deepEqual(Array.from(y.dataSync()), [0, 10, 1, 11, 2, 12, 3, 13]);
  checkLayer(new Flatten({ dataFormat: 'channelsFirst' }), [2, 2, 3, 2], { outputShape: [null, 12], params: 0 });
});

test('Flatten needs a batch axis and something to flatten', () => {
  assert.throws(() => new Flatten({ name: 'f' }).computeOutputShape([null]), /Layer "f" \(Flatten\): expected input \[None, d1, ...\] of rank >= 2, got shape \[None\]/);
});
