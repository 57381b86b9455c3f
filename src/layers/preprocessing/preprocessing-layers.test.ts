// The preprocessing layers in the layer harness (shapes, params, config round trip, gradients),
// then what the harness cannot see: seeded randomness, identity at inference, Keras's values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../../backend/engine.js';
import { gradients } from '../../autograd/backward.js';
import { mul, sum, tensor } from '../../ops/index.js';
import { Random } from '../../tensor/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkLayer } from '../../testing/layer-harness.js';
import type { Layer } from '../layer.js';
import {
  CenterCrop, Normalization, RandomBrightness, RandomContrast, RandomCrop, RandomFlip, RandomRotation, RandomTranslation, RandomZoom, Resizing,
} from './index.js';

const values = (t: Tensor) => Array.from(t.dataSync());
function images(shape: number[], seed = 1, low = 0, high = 255): Tensor {
  const rng = new Random(seed);
  return tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(low, high)), shape);
}

/** Every random layer, built fresh with `seed` (so two calls make two identical layers). */
const randomLayers = (seed?: number): Layer[] => [
  new RandomCrop(3, 4, { seed }), new RandomFlip(undefined, { seed }), new RandomRotation(0.2, { seed }),
  new RandomZoom([-0.3, 0.2], { seed, widthFactor: 0.1, fillMode: 'wrap' }), new RandomTranslation(0.2, [-0.3, 0.1], { seed, fillMode: 'constant', fillValue: 7 }),
  new RandomContrast([0.2, 0.5], { seed }), new RandomBrightness(0.3, { seed }),
];

test('harness: Resizing, CenterCrop, RandomCrop (inference: centred aspect crop then resize), Normalization', () => {
  checkLayer(new Resizing(5, 3), [2, 4, 6, 2], { outputShape: [null, 5, 3, 2], params: 0 });
  checkLayer(new Resizing(3, 3, { interpolation: 'nearest', cropToAspectRatio: true }), [1, 4, 6, 1], { outputShape: [null, 3, 3, 1], params: 0 });
  checkLayer(new Resizing(4, 2, { padToAspectRatio: true, fillValue: 0.5, dataFormat: 'channels_first' }), [1, 2, 3, 3], { outputShape: [null, 2, 4, 2], params: 0 });
  checkLayer(new CenterCrop(2, 3), [2, 5, 5, 2], { outputShape: [null, 2, 3, 2], params: 0 });
  checkLayer(new CenterCrop(6, 4), [1, 3, 5, 1], { outputShape: [null, 6, 4, 1], params: 0 });
  checkLayer(new RandomCrop(3, 2), [2, 5, 4, 2], { outputShape: [null, 3, 2, 2], params: 0 });
  const norm = new Normalization();
  norm.adapt(images([4, 3, 3, 2]));
  // Keras counts mean, variance and count: 2 + 2 + 1, all non-trainable.
  checkLayer(norm, [2, 3, 3, 2], { outputShape: [null, 3, 3, 2], params: 5, nonTrainableParams: 5 }, { input: Float32Array.from(values(images([2, 3, 3, 2], 2))) });
  checkLayer(new Normalization({ mean: 3, variance: 2, axis: null }), [2, 3], { outputShape: [null, 3], params: 0 });
});

test('harness: the random layers at inference (identity, no weights, config round trip)', () => {
  for (const layer of randomLayers(5).slice(1)) checkLayer(layer, [2, 4, 5, 3], { outputShape: [null, 4, 5, 3], params: 0 });
  checkLayer(new RandomFlip('vertical', { dataFormat: 'channels_first' }), [2, 3, 4, 5], { outputShape: [null, 3, 4, 5], params: 0 });
});

test('random layers are the identity at inference and change images in training', () => {
  const x = images([3, 6, 7, 2]);
  for (const layer of randomLayers(11)) {
    const inference = layer.apply(x);
    if (layer instanceof RandomCrop) assert.deepEqual(inference.shape, [3, 3, 4, 2]);
    else assert.deepEqual(values(inference), values(x), `${layer.className} at inference`);
    const trained = layer.apply(x, { training: true });
    assert.notDeepEqual(values(trained), values(x), `${layer.className} in training`);
  }
});

test('the same seed gives the same outputs, call after call; another seed others', () => {
  const x = images([4, 16, 17, 3]);
  const a = randomLayers(7);
  const b = randomLayers(7);
  const c = randomLayers(8);
  a.forEach((layer, i) => {
    const first = values(layer.apply(x, { training: true }));
    assert.deepEqual(first, values(b[i].apply(x, { training: true })), `${layer.className}: same seed`);
    assert.notDeepEqual(first, values(c[i].apply(x, { training: true })), `${layer.className}: other seed`);
    assert.deepEqual(values(layer.apply(x, { training: true })), values(b[i].apply(x, { training: true })), `${layer.className}: second call`);
  });
});

test('training-mode transforms pass gradients to their input', () => {
  const x = images([2, 5, 6, 2], 3, 10, 200);
  x.requiresGrad = true;
  for (const layer of randomLayers(2)) {
    const y = layer.apply(x, { training: true });
    const [g] = gradients(sum(mul(y, tensor(Float32Array.from(values(y), (_, i) => (i % 7) - 3), y.shape))), [x]);
    assert.ok(g !== null && values(g).some((v) => v !== 0) && values(g).every(Number.isFinite), `${layer.className} gradient`);
  }
  // A flip moves the gradient with the pixels: d(sum(w * flip(x)))/dx = flip(w).
  const flip = new RandomFlip('horizontal', { seed: 1 });
  const row = tensor([[[[1], [2], [3]]]]);
  row.requiresGrad = true;
  let flipped: number[] = [];
  for (let i = 0; i < 20 && flipped[0] !== 3; i++) flipped = values(flip.apply(row, { training: true }));
  assert.deepEqual(flipped, [3, 2, 1], 'some draw flips');
});

test("Keras's values: Normalization adapt, given statistics, invert", () => {
  const global = new Normalization({ axis: null });
  global.adapt(tensor([[1], [2], [3], [4], [5]]));
  const y = values(global.apply(tensor([[1], [2], [3]])));
  [-1.4142135, -0.70710677, 0].forEach((v, i) => assert.ok(Math.abs(y[i] - v) < 1e-6, `${y}`));
  const perFeature = new Normalization({ axis: -1 });
  perFeature.adapt(tensor([[0, 7, 4], [2, 9, 6], [0, 7, 4], [2, 9, 6]]));
  assert.deepEqual(values(perFeature.apply(tensor([[0, 7, 4]]))), [-1, -1, -1]);
  assert.deepEqual(values(perFeature.mean!), [1, 8, 5]);
  const given = values(new Normalization({ mean: 3, variance: 2 }).apply(tensor([[1], [2], [3]])));
  [-1.4142135, -0.70710677, 0].forEach((v, i) => assert.ok(Math.abs(given[i] - v) < 1e-6));
  const inverse = new Normalization({ axis: -1, invert: true });
  inverse.adapt(tensor([[0, 7, 4], [2, 9, 6], [0, 7, 4], [2, 9, 6]]));
  assert.deepEqual(values(inverse.apply(tensor([[-1, -1, -1]]))), [0, 7, 4]);
  assert.throws(() => new Normalization({ mean: 1 }), /give both mean and variance, or neither/);
  assert.throws(() => perFeature.apply(tensor([[1, 2]])), /expected input size 3 on axis 1 \(as built\), got shape \[None, 2\]/);
});

test('Normalization.adapt over batches (an iterable, or an async one such as a data set) equals adapt over all', async () => {
  const all = images([10, 3, 4, 2], 5, -50, 300);
  const whole = new Normalization();
  whole.adapt(all);
  const batches = [0, 3, 7].map((start, i, starts) => {
    const end = starts[i + 1] ?? 10;
    return tensor(values(all).slice(start * 24, end * 24), [end - start, 3, 4, 2]);
  });
  const streamed = new Normalization();
  streamed.adapt(batches);
  const awaited = new Normalization();
  await awaited.adapt((async function* () { yield* batches; })());
  for (const layer of [streamed, awaited]) {
    const [m, v, count] = layer.weights.map((w) => values(w));
    values(whole.mean!).forEach((x, i) => assert.ok(Math.abs(m[i] - x) < 1e-4, `mean ${m[i]} vs ${x}`));
    values(whole.variance!).forEach((x, i) => assert.ok(Math.abs(v[i] - x) < 1e-5 * Math.max(1, x), `variance ${v[i]} vs ${x}`));
    assert.deepEqual(count, [120]);
  }
  assert.throws(() => new Normalization({ name: 'n' }).adapt([]), /Layer "n" \(Normalization\): adapt needs at least one sample, got a batch of shape \[0\]/);
  assert.throws(() => new Normalization({ name: 'n' }).adapt(new Set<Tensor>()), /Layer "n" \(Normalization\): adapt needs at least one sample, got none/);
});

test('Resizing matches tf.image.resize (half-pixel centres), crops and pads to the aspect ratio', () => {
  const x = tensor([0, 1, 2, 3], [1, 2, 2, 1]);
  const up = values(new Resizing(4, 4).apply(x));
  assert.deepEqual(up.slice(0, 4), [0, 0.25, 0.75, 1]);
  assert.deepEqual(up.slice(12), [2, 2.25, 2.75, 3]);
  const wide = tensor(Float32Array.from({ length: 8 }, (_, i) => i), [1, 2, 4, 1]);
  assert.deepEqual(values(new Resizing(2, 2, { cropToAspectRatio: true }).apply(wide)), [1, 2, 5, 6]);
  assert.deepEqual(values(new Resizing(4, 4, { padToAspectRatio: true, interpolation: 'nearest', fillValue: -1 }).apply(wide)), [-1, -1, -1, -1, 0, 1, 2, 3, 4, 5, 6, 7, -1, -1, -1, -1]);
  assert.deepEqual(values(new CenterCrop(1, 2).apply(wide)), [1, 2]);
});

test('RandomContrast and RandomBrightness clip to valueRange; RandomRotation by half a turn flips both ways', () => {
  const x = images([2, 4, 4, 3], 1, 0, 1);
  const c = values(new RandomContrast(0.9, { valueRange: [0, 1], seed: 1 }).apply(x, { training: true }));
  assert.ok(c.every((v) => v >= 0 && v <= 1));
  const b = values(new RandomBrightness([0.5, 0.5], { valueRange: [0, 1], seed: 1 }).apply(x, { training: true }));
  values(x).forEach((v, i) => assert.ok(Math.abs(b[i] - Math.min(v + 0.5, 1)) < 1e-6));
  const square = tensor(Float32Array.from({ length: 9 }, (_, i) => i), [1, 3, 3, 1]);
  const turned = values(new RandomRotation([0.5, 0.5]).apply(square, { training: true }));
  assert.deepEqual(turned.map((v) => Math.round(v * 1e4) / 1e4), [8, 7, 6, 5, 4, 3, 2, 1, 0]);
});

test('bad arguments are refused naming the layer, the argument and the value', () => {
  assert.throws(() => new RandomFlip('diagonal' as 'vertical', { name: 'f' }), /Unknown mode 'diagonal' in Layer "f" \(RandomFlip\): valid names: 'horizontal', 'vertical', 'horizontal_and_vertical'/);
  assert.throws(() => new RandomFlip('horizontl' as 'vertical'), /Unknown mode 'horizontl' in .*: did you mean 'horizontal'\?/);
  assert.throws(() => new RandomZoom(0.1, { fillMode: 'reflekt' as 'reflect' }), /Unknown fillMode 'reflekt' in .*: did you mean 'reflect'\?/);
  assert.throws(() => new RandomTranslation(1.5, 0), /heightFactor must be a number or a \[lower, upper\] pair with lower <= upper within \[-1, 1\], got 1.5/);
  assert.throws(() => new RandomZoom([0.3, 0.1]), /lower <= upper/);
  assert.throws(() => new RandomRotation(0.1, { interpolation: 'bicubic' as 'nearest' }), /Unknown interpolation 'bicubic' in .*: valid names: 'bilinear', 'nearest'/);
  assert.throws(() => new RandomContrast(1.5), /factor must be a number in \[0, 1\]/);
  assert.throws(() => new Resizing(0, 3), /height and width must be positive integers, got 0 and 3/);
  assert.throws(() => new RandomRotation(0.1, { name: 'r' }).apply(tensor([[1, 2]])), /Layer "r" \(RandomRotation\): expected input a rank-4 batch of images \(N, H, W, C\), got shape \[None, 2\]/);
});
