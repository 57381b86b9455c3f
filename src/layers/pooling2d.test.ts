import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../backend/engine.js';
import { tensor } from '../ops/index.js';
import { Random } from '../tensor/random.js';
import { checkLayer } from '../testing/layer-harness.js';
import { AveragePooling2D } from './average-pooling2d.js';
import { MaxPooling2D } from './max-pooling2d.js';
import { MinPooling2D } from './min-pooling2d.js';

/** Distinct values 0.05 apart in random order: no two within the finite-difference step. */
function separated(n: number, seed: number): Float32Array {
  return Float32Array.from(new Random(seed).permutation(n), (i) => (i - n / 2) * 0.05);
}

test('MaxPooling2D 2x2 (defaults): shapes, no params, config, gradients', () => {
  const layer = new MaxPooling2D();
  assert.deepEqual([layer.poolSize, layer.strides, layer.padding], [[2, 2], [2, 2], 'valid']);
  checkLayer(layer, [2, 5, 4, 3], { outputShape: [null, 2, 2, 3], params: 0 }, { input: separated(120, 1) });
});

test('MaxPooling2D same padding, strides 1, channels_first', () => {
  checkLayer(new MaxPooling2D({ poolSize: 3, strides: 1, padding: 'same', dataFormat: 'channels_first' }), [1, 2, 4, 4], { outputShape: [null, 2, 4, 4], params: 0 }, { input: separated(32, 2) });
});

test('AveragePooling2D and MinPooling2D', () => {
  checkLayer(new AveragePooling2D([2, 3], { padding: 'same' }), [2, 5, 5, 2], { outputShape: [null, 3, 2, 2], params: 0 });
  checkLayer(new MinPooling2D(2, { strides: 1 }), [1, 3, 4, 2], { outputShape: [null, 2, 3, 2], params: 0 }, { input: separated(24, 3) });
});

test('pooling values: max, average, min of each window', () => {
  const x = tensor([1, 5, 2, 8, 3, 4, 0, 6, 9, 7, 1, 1, 2, 2, 3, 3], [1, 4, 4, 1]);
  assert.deepEqual(Array.from(new MaxPooling2D(2).apply(x).dataSync()), [5, 8, 9, 3]);
  assert.deepEqual(Array.from(new AveragePooling2D(2).apply(x).dataSync()), [3.25, 4, 5, 2]);
  assert.deepEqual(Array.from(new MinPooling2D(2).apply(x).dataSync()), [1, 0, 2, 1]);
});

test('a pool larger than the input under valid padding names the layer and shapes', () => {
  assert.throws(() => new MaxPooling2D({ poolSize: 3, name: 'pool' }).computeOutputShape([null, 2, 5, 1]), {
    message: `Layer "pool" (MaxPooling2D): pool size 3x3 is larger than the input 2x5 (input shape [None, 2, 5, 1]) with padding 'valid'`,
  });
  assert.throws(() => new AveragePooling2D({ name: 'p2' }).computeOutputShape([null, 8, 8]), /Layer "p2" \(AveragePooling2D\): expected input \[None, height, width, channels\]/);
});
