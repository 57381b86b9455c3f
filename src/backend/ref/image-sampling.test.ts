// The resampling rules (TensorFlow's ImageProjectiveTransformV3) on values worked out by hand,
// (The wasm backend is compared with these on the op table's cases in test/conformance.test.ts.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../engine.js';
import { engine } from '../engine.js';
import { imageTransform, type ImageTransformOptions } from '../../ops/image-transform.js';
import { tensor } from '../../ops/create.js';
import { mapCoordinate } from './image-sampling.js';

const row = (values: number[]) => tensor(values, [1, 1, values.length, 1]);
const out = (x: ReturnType<typeof row>, t: number[], o: ImageTransformOptions = {}) => Array.from(imageTransform(x, [t], o).dataSync());
const shiftX = (dx: number) => [1, 0, -dx, 0, 1, 0, 0, 0];

test('fill modes map coordinates as Keras documents them (abcd on a 4-pixel row)', () => {
  // reflect: d c b a | a b c d | d c b a; wrap: a b c d | a b c d | a b c d; nearest: a a a a | a b c d | d d d d
  assert.deepEqual([-4, -3, -2, -1, 4, 5, 6, 7].map((c) => mapCoordinate(c, 4, 'reflect')), [3, 2, 1, 0, 3, 2, 1, 0]);
  assert.deepEqual([-4, -3, -2, -1, 4, 5, 6, 7].map((c) => mapCoordinate(c, 4, 'wrap')), [0, 1, 2, 3, 0, 1, 2, 3]);
  assert.deepEqual([-4, -1, 4, 7].map((c) => mapCoordinate(c, 4, 'nearest')), [0, 0, 3, 3]);
  assert.deepEqual([-4, 4].map((c) => mapCoordinate(c, 4, 'constant')), [-4, 4]);
});

test('a shift by 2 pixels fills by each mode; the identity is exact', () => {
  const x = row([1, 2, 3, 4]);
  assert.deepEqual(out(x, [1, 0, 0, 0, 1, 0, 0, 0]), [1, 2, 3, 4]);
  assert.deepEqual(out(x, shiftX(2)), [0, 0, 1, 2]);
  assert.deepEqual(out(x, shiftX(2), { fillValue: 9 }), [9, 9, 1, 2]);
  assert.deepEqual(out(x, shiftX(2), { fillMode: 'reflect' }), [2, 1, 1, 2]);
  assert.deepEqual(out(x, shiftX(2), { fillMode: 'wrap' }), [3, 4, 1, 2]);
  assert.deepEqual(out(x, shiftX(2), { fillMode: 'nearest' }), [1, 1, 1, 2]);
  assert.deepEqual(out(x, shiftX(-1)), [2, 3, 4, 0]);
});

test('bilinear blends the two neighbours; nearest rounds half away from zero', () => {
  const x = row([0, 10, 20, 30]);
  assert.deepEqual(out(x, shiftX(0.25), { fillMode: 'nearest' }), [0, 7.5, 17.5, 27.5]);
  assert.deepEqual(out(x, shiftX(-0.5), { interpolation: 'nearest' }), [10, 20, 30, 0]);
  // A neighbour outside the image reads the fill value (TensorFlow's rule): 30 blends with 0.
  assert.deepEqual(out(x, shiftX(-0.5)), [5, 15, 25, 15]);
});

test('resize 2 -> 4 with half-pixel centres and repeated edges, as tf.image.resize', () => {
  const x = row([0, 1]);
  const y = imageTransform(x, [[0.5, 0, -0.25, 0, 1, 0, 0, 0]], { outputSize: [1, 4], fillMode: 'nearest' });
  assert.deepEqual(Array.from(y.dataSync()), [0, 0.25, 0.75, 1]);
});

test('kernel errors name the kernel, the expected and the actual', () => {
  assert.throws(() => imageTransform(tensor([1, 2, 3]), [shiftX(1)]), /imageTransform: expected NHWC images of rank 4, got shape \[3\]/);
  assert.throws(() => engine.runKernel('ImageTransform', { images: tensor(new Float32Array(8), [2, 2, 2, 1]), transforms: tensor(new Float32Array(24), [3, 8]) },
    { outputSize: [2, 2], interpolation: 'bilinear', fillMode: 'constant', fillValue: 0 }), /ImageTransform: expected transforms of shape \[2, 8\] or \[1, 8\], got \[3, 8\]/);
  assert.throws(() => imageTransform(row([1, 2]), [shiftX(1)], { fillMode: 'mirror' as 'reflect' }), /fillMode must be one of reflect, wrap, constant, nearest, got 'mirror'/);
});
