import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../backend/engine.js';
import { tensor } from '../ops/index.js';
import { checkLayer } from '../testing/layer-harness.js';
import { Conv2D } from './conv2d.js';

test('Conv2D 3x3 valid with fused relu: shapes, params, config, gradients, a training step', () => {
  checkLayer(new Conv2D(4, 3, { activation: 'relu' }), [2, 5, 6, 3], { outputShape: [null, 3, 4, 4], params: 3 * 3 * 3 * 4 + 4 });
});

test('Conv2D same padding with strides, tanh (not fused), no bias', () => {
  checkLayer(new Conv2D(3, [3, 2], { strides: 2, padding: 'same', activation: 'tanh', useBias: false }), [2, 5, 5, 2], {
    outputShape: [null, 3, 3, 3], params: 3 * 2 * 2 * 3,
  });
});

test('Conv2D with dilation and groups', () => {
  checkLayer(new Conv2D(4, 2, { dilationRate: 2, groups: 2, activation: 'sigmoid' }), [1, 5, 5, 4], { outputShape: [null, 3, 3, 4], params: 2 * 2 * 2 * 4 + 4 });
});

test('Conv2D channels_first (Keras spelling) with softmax', () => {
  const layer = new Conv2D(3, 2, { dataFormat: 'channels_first', activation: 'softmax' });
  assert.equal(layer.dataFormat, 'channelsFirst');
  checkLayer(layer, [2, 2, 4, 3], { outputShape: [null, 3, 3, 2], params: 2 * 2 * 2 * 3 + 3 });
});

test('Conv2D computes the cross-correlation with an HWIO kernel', () => {
  const layer = new Conv2D(1, 2, { kernelInitializer: 'ones', biasInitializer: { className: 'Constant', config: { value: 0.5 } } });
  const y = layer.apply(tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]));
  assert.deepEqual(layer.kernel?.shape, [2, 2, 1, 1]);
  assert.deepEqual(Array.from(y.dataSync()), [12.5, 16.5, 24.5, 28.5]);
});

test('Conv2D kernel larger than the input under valid padding names the layer, kernel and input', () => {
  const layer = new Conv2D(8, 5, { name: 'big_kernel' });
  assert.throws(() => layer.computeOutputShape([null, 3, 4, 1]), {
    message: `Layer "big_kernel" (Conv2D): kernel 5x5 is larger than the input 3x4 (input shape [None, 3, 4, 1]) with padding 'valid'; use padding 'same' or a smaller kernel`,
  });
  assert.throws(() => layer.apply(tensor(new Float32Array(12), [1, 3, 4, 1])), /kernel 5x5 is larger than the input 3x4/);
  assert.deepEqual(new Conv2D(8, 5, { padding: 'same' }).computeOutputShape([null, 3, 4, 1]), [null, 3, 4, 8]);
});

test('Conv2D rejects strides > 1 with dilation > 1, as Keras does', () => {
  assert.throws(() => new Conv2D(4, 3, { strides: 2, dilationRate: 2, name: 'c' }), /Layer "c" \(Conv2D\): strides > 1 cannot be combined with dilationRate > 1 \(got strides \[2, 2\], dilationRate \[2, 2\]\)/);
});

test('Conv2D rejects bad inputs and options with clear messages', () => {
  assert.throws(() => new Conv2D(4, 3, { name: 'c1' }).computeOutputShape([null, 28, 28]), /Layer "c1" \(Conv2D\): expected input \[None, height, width, channels\], got shape \[None, 28, 28\]/);
  assert.throws(() => new Conv2D(0, 3), /filters must be a positive integer, got 0/);
  assert.throws(() => new Conv2D(4, 3, { padding: 'full' as 'same' }), /Unknown padding 'full' in Layer "conv2d[^"]*" \(Conv2D\): valid names: 'valid', 'same'/);
  assert.throws(() => new Conv2D(3, 3, { groups: 2 }), /groups must be a positive integer dividing filters \(3\)/);
  const built = new Conv2D(2, 1, { name: 'c2' });
  built.apply(tensor(new Float32Array(4), [1, 2, 2, 1]));
  assert.throws(() => built.apply(tensor(new Float32Array(8), [1, 2, 2, 2])), /Layer "c2" \(Conv2D\): expected input 1 channels/);
});

test('Conv2D keeps an unknown spatial size unknown', () => {
  assert.deepEqual(new Conv2D(4, 3).computeOutputShape([null, null, 10, 2]), [null, null, 8, 4]);
});
