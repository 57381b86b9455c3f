// What the harness cannot see: training-mode randomness, moving statistics, Keras's rejections.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../backend/engine.js';
import { tensor } from '../ops/index.js';
import { BatchNormalization } from './batch-normalization.js';
import { Conv2D } from './conv2d.js';
import { Conv2DTranspose } from './conv2d-transpose.js';
import { DepthwiseConv2D } from './depthwise-conv2d.js';
import { Dropout } from './dropout.js';
import { Add, Concatenate } from './merge.js';
import { SpatialDropout2D } from './spatial-dropout2d.js';
import { UpSampling2D } from './up-sampling2d.js';

test('Dropout: identity in inference; in training zeros about `rate` and scales survivors by 1/(1-rate)', () => {
  const layer = new Dropout(0.25, { seed: 3 });
  const x = tensor(new Float32Array(4000).fill(1), [40, 100]);
  assert.deepEqual(Array.from(layer.apply(x).dataSync()).slice(0, 3), [1, 1, 1]);
  const y = Array.from(layer.apply(x, { training: true }).dataSync());
  const zeros = y.filter((v) => v === 0).length / y.length;
  assert.ok(Math.abs(zeros - 0.25) < 0.03, `dropped ${zeros}`);
  assert.ok(y.every((v) => v === 0 || Math.abs(v - 4 / 3) < 1e-6));
  assert.throws(() => new Dropout(1), /rate must be in \[0, 1\), got 1/);
});

test('SpatialDropout2D drops whole channels of a sample', () => {
  const y = new SpatialDropout2D(0.5, { seed: 1 }).apply(tensor(new Float32Array(2 * 3 * 3 * 8).fill(1), [2, 3, 3, 8]), { training: true });
  const v = y.dataSync();
  for (let n = 0; n < 2; n++) for (let c = 0; c < 8; c++) {
    const values = new Set(Array.from({ length: 9 }, (_, p) => v[(n * 9 + p) * 8 + c]));
    assert.equal(values.size, 1, `sample ${n} channel ${c} is all kept or all dropped`);
  }
  assert.ok(Array.from(v).some((x) => x === 0) && Array.from(v).some((x) => x === 2));
});

test('BatchNormalization: batch statistics in training, moving ones in inference, momentum 0.99 / epsilon 1e-3', () => {
  const bn = new BatchNormalization();
  assert.equal(bn.momentum, 0.99);
  assert.equal(bn.epsilon, 1e-3);
  const x = tensor([[1, 10], [3, 20], [5, 30], [7, 40]]);
  const yt = Array.from(bn.apply(x, { training: true }).dataSync());
  // Column 0: mean 4, biased variance 5.
  assert.ok(Math.abs(yt[0] - (1 - 4) / Math.sqrt(5 + 1e-3)) < 1e-5);
  assert.ok(Math.abs(bn.movingMean!.dataSync()[0] - 0.01 * 4) < 1e-6, 'moving = 0.99 * 0 + 0.01 * 4');
  assert.ok(Math.abs(bn.movingVariance!.dataSync()[1] - (0.99 + 0.01 * 125)) < 1e-4, 'moving variance = 0.99 * 1 + 0.01 * 125');
  const yi = Array.from(bn.apply(x).dataSync());
  assert.ok(Math.abs(yi[0] - (1 - 0.04) / Math.sqrt(bn.movingVariance!.dataSync()[0] + 1e-3)) < 1e-5);
  const frozen = new BatchNormalization({ trainable: false });
  frozen.apply(x, { training: true });
  assert.deepEqual(Array.from(frozen.movingMean!.dataSync()), [0, 0], 'a frozen layer runs in inference mode');
  assert.equal(bn.trainableWeights.length, 2);
  assert.equal(bn.nonTrainableWeights.length, 2);
});

test('convolution layers reject what Keras rejects, with clear messages', () => {
  assert.throws(() => new Conv2D(4, 3, { strides: 2, dilationRate: 2 }), /strides > 1 cannot be combined with dilationRate > 1/);
  assert.throws(() => new DepthwiseConv2D(3, { strides: [1, 2], dilationRate: [2, 1] }), /strides > 1 cannot be combined with dilationRate > 1/);
  assert.throws(() => new Conv2D(6, 3, { groups: 4 }), /groups must be a positive integer dividing filters \(6\), got 4/);
  assert.throws(() => new Conv2D(4, 1, { groups: 2, name: 'grouped' }).apply(tensor(new Float32Array(27), [1, 3, 3, 3])), /Layer "grouped" \(Conv2D\): expected input a number of channels divisible by groups \(2\), got shape \[None, 3, 3, 3\]/);
  assert.throws(() => new Conv2D(4, 3, { name: 'wide' }).computeOutputShape([null, 2, 8, 1]), /Layer "wide" \(Conv2D\): kernel 3x3 is larger than the input 2x8/);
  assert.throws(() => new Conv2D(4, 3, { dataFormat: 'nhwc' as 'channelsLast' }), /Unknown dataFormat 'nhwc' in Layer "conv2d[^"]*" \(Conv2D\): valid names: 'channelsLast', 'channelsFirst'/);
  assert.throws(() => new Conv2DTranspose(4, 3, { strides: 2, outputPadding: 2 }), /outputPadding must be an integer >= 0 and below the stride \(2\), got 2/);
  assert.throws(() => new UpSampling2D(2, { interpolation: 'bilinear' as 'nearest' }), /interpolation 'bilinear' is not supported/);
});

test('merge layers reject mismatched shapes and single tensors', () => {
  assert.throws(() => new Add({ name: 'plus' }).computeOutputShape([[null, 3], [null, 4]]), /Layer "plus" \(Add\): inputs must have matching shapes \(or size 1 to broadcast\), got \[None, 3\], \[None, 4\]/);
  assert.throws(() => new Concatenate().computeOutputShape([[null, 3, 2], [null, 4, 2]]), /inputs must match on every axis but -1/);
  assert.throws(() => new Add().apply(tensor([[1, 2]])), /a merge layer must be called on a list of tensors/);
});
