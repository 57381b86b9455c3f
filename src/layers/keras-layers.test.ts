// The layer harness run for every layer of issue 4: output shape vs computeOutputShape, weight
// count vs Keras's count, config round trip, numeric gradients and one training step.
// Parameter counts are Keras 3's (model.summary() of the same layer on the same input).
import { test } from 'node:test';
import '../backend/engine.js';
import { checkLayer } from '../testing/layer-harness.js';
import { ELU, LeakyReLU, ReLU, Softmax } from './activation-layers.js';
import { BatchNormalization } from './batch-normalization.js';
import { maxNorm } from './constraints.js';
import { Conv1D } from './conv1d.js';
import { Conv2D } from './conv2d.js';
import { Conv2DTranspose } from './conv2d-transpose.js';
import { Cropping2D } from './cropping2d.js';
import { DepthwiseConv2D } from './depthwise-conv2d.js';
import { Dropout } from './dropout.js';
import { GlobalAveragePooling2D, GlobalMaxPooling2D } from './global-pooling2d.js';
import { Add, Average, Concatenate, Multiply } from './merge.js';
import { PReLU } from './prelu.js';
import { l1l2, l2 } from './regularizers.js';
import { Rescaling } from './rescaling.js';
import { Reshape } from './reshape.js';
import { SeparableConv2D } from './separable-conv2d.js';
import { SpatialDropout2D } from './spatial-dropout2d.js';
import { UpSampling2D } from './up-sampling2d.js';
import { ZeroPadding2D } from './zero-padding2d.js';

/** Values at least 0.1 apart and away from 0, so max ties and relu kinks stay out of the eps window. */
function separated(n: number, seed = 1): Float32Array {
  const v = Float32Array.from({ length: n }, (_, i) => (i - n / 2 + 0.5) * 0.1 + (i % 2 === 0 ? 0.03 : -0.03));
  let s = seed;
  for (let i = n - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [v[i], v[j]] = [v[j], v[i]];
  }
  return v;
}

test('Conv2D with the whole signature: regularizers, constraints, activity regularizer, channels_first', () => {
  const layer = new Conv2D(4, [2, 3], {
    strides: [1, 2], padding: 'same', dataFormat: 'channels_first', activation: 'tanh', useBias: true,
    kernelInitializer: 'he_normal', biasInitializer: 'ones', kernelRegularizer: l2(0.01), biasRegularizer: 'l1',
    activityRegularizer: l1l2({ l1: 0.1 }), kernelConstraint: maxNorm({ maxValue: 2, axis: [0, 1, 2] }), biasConstraint: 'non_neg',
  });
  checkLayer(layer, [2, 2, 4, 5], { outputShape: [null, 4, 4, 3], params: 2 * 3 * 2 * 4 + 4 });
});

test('Conv1D valid, same and causal', () => {
  checkLayer(new Conv1D(4, 3, { activation: 'relu' }), [2, 7, 2], { outputShape: [null, 5, 4], params: 3 * 2 * 4 + 4 }, { input: separated(28) });
  checkLayer(new Conv1D(2, 2, { strides: 2, padding: 'same', groups: 2 }), [1, 5, 4], { outputShape: [null, 3, 2], params: 2 * 2 * 2 + 2 });
  checkLayer(new Conv1D(3, 3, { padding: 'causal', dilationRate: 2, dataFormat: 'channels_first' }), [2, 2, 6], { outputShape: [null, 3, 6], params: 3 * 2 * 3 + 3 });
});

test('DepthwiseConv2D with a depth multiplier', () => {
  checkLayer(new DepthwiseConv2D(3, { depthMultiplier: 2 }), [2, 5, 4, 3], { outputShape: [null, 3, 2, 6], params: 3 * 3 * 3 * 2 + 6 });
  checkLayer(new DepthwiseConv2D(2, { padding: 'same', strides: 2, useBias: false, dataFormat: 'channels_first' }), [1, 2, 4, 4], { outputShape: [null, 2, 2, 2], params: 2 * 2 * 2 });
});

test('SeparableConv2D', () => {
  checkLayer(new SeparableConv2D(4, 3, { depthMultiplier: 2 }), [2, 5, 5, 2], { outputShape: [null, 3, 3, 4], params: 3 * 3 * 2 * 2 + 4 * 4 + 4 });
});

test('Conv2DTranspose valid, same, outputPadding, channels_first', () => {
  checkLayer(new Conv2DTranspose(2, 3, { strides: 2 }), [2, 3, 2, 3], { outputShape: [null, 7, 5, 2], params: 3 * 3 * 2 * 3 + 2 });
  checkLayer(new Conv2DTranspose(3, 3, { strides: 2, padding: 'same' }), [1, 3, 3, 2], { outputShape: [null, 6, 6, 3], params: 3 * 3 * 3 * 2 + 3 });
  checkLayer(new Conv2DTranspose(2, [3, 2], { strides: 2, outputPadding: 1, activation: 'sigmoid' }), [1, 2, 3, 2], { outputShape: [null, 6, 7, 2], params: 3 * 2 * 2 * 2 + 2 });
  checkLayer(new Conv2DTranspose(2, 2, { dataFormat: 'channels_first', dilationRate: 2 }), [1, 3, 3, 3], { outputShape: [null, 2, 5, 5], params: 2 * 2 * 2 * 3 + 2 });
});

test('Dropout and SpatialDropout2D (inference: identity, no weights)', () => {
  checkLayer(new Dropout(0.5), [2, 6], { outputShape: [null, 6], params: 0 });
  checkLayer(new Dropout(0.3, { noiseShape: [null, 1, 4] }), [2, 3, 4], { outputShape: [null, 3, 4], params: 0 });
  checkLayer(new SpatialDropout2D(0.5), [2, 3, 3, 2], { outputShape: [null, 3, 3, 2], params: 0 });
});

test('BatchNormalization in inference and training mode (4C params, 2C non-trainable)', () => {
  const expected = { outputShape: [null, 3, 3, 4], params: 16, nonTrainableParams: 8 };
  checkLayer(new BatchNormalization(), [2, 3, 3, 4], expected);
  checkLayer(new BatchNormalization({ momentum: 0.9 }), [3, 3, 3, 4], expected, { training: true });
  checkLayer(new BatchNormalization({ axis: 1, center: false }), [4, 3, 2], { outputShape: [null, 3, 2], params: 9, nonTrainableParams: 6 }, { training: true });
});

test('GlobalAveragePooling2D and GlobalMaxPooling2D', () => {
  checkLayer(new GlobalAveragePooling2D(), [2, 3, 4, 5], { outputShape: [null, 5], params: 0 });
  checkLayer(new GlobalAveragePooling2D({ keepdims: true, dataFormat: 'channels_first' }), [2, 5, 3, 4], { outputShape: [null, 5, 1, 1], params: 0 });
  checkLayer(new GlobalMaxPooling2D(), [2, 3, 4, 2], { outputShape: [null, 2], params: 0 }, { input: separated(48) });
});

test('ZeroPadding2D, Cropping2D, UpSampling2D', () => {
  checkLayer(new ZeroPadding2D([[1, 0], [2, 1]]), [2, 2, 3, 2], { outputShape: [null, 3, 6, 2], params: 0 });
  checkLayer(new ZeroPadding2D(1, { dataFormat: 'channels_first' }), [1, 2, 2, 3], { outputShape: [null, 2, 4, 5], params: 0 });
  checkLayer(new Cropping2D([[1, 0], [1, 2]]), [2, 4, 5, 2], { outputShape: [null, 3, 2, 2], params: 0 });
  checkLayer(new UpSampling2D([2, 3]), [2, 2, 2, 3], { outputShape: [null, 4, 6, 3], params: 0 });
  checkLayer(new UpSampling2D(2, { dataFormat: 'channels_first' }), [1, 2, 2, 3], { outputShape: [null, 2, 4, 6], params: 0 });
});

test('Reshape and Rescaling', () => {
  checkLayer(new Reshape([3, -1]), [2, 12], { outputShape: [null, 3, 4], params: 0 });
  checkLayer(new Rescaling(1 / 255, { offset: -0.5 }), [2, 3, 3, 1], { outputShape: [null, 3, 3, 1], params: 0 });
});

test('activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax', () => {
  const x = separated(24);
  checkLayer(new ReLU(), [4, 6], { outputShape: [null, 6], params: 0 }, { input: x });
  checkLayer(new ReLU({ maxValue: 0.6, negativeSlope: 0.1, threshold: 0.25 }), [4, 6], { outputShape: [null, 6], params: 0 }, { input: x });
  checkLayer(new LeakyReLU(), [4, 6], { outputShape: [null, 6], params: 0 }, { input: x });
  checkLayer(new PReLU({ alphaInitializer: { className: 'Constant', config: { value: 0.25 } } }), [4, 6], { outputShape: [null, 6], params: 6 }, { input: x });
  checkLayer(new PReLU({ sharedAxes: [1, 2] }), [2, 2, 2, 3], { outputShape: [null, 2, 2, 3], params: 3 }, { input: x });
  checkLayer(new ELU({ alpha: 0.5 }), [4, 6], { outputShape: [null, 6], params: 0 }, { input: x });
  checkLayer(new Softmax({ axis: 1 }), [2, 3, 4], { outputShape: [null, 3, 4], params: 0 });
});

test('merge layers: Add, Multiply, Average (with broadcasting), Concatenate', () => {
  checkLayer(new Add(), [[2, 3, 2], [2, 3, 2], [2, 3, 2]], { outputShape: [null, 3, 2], params: 0 });
  checkLayer(new Multiply(), [[2, 3, 2], [2, 1, 2]], { outputShape: [null, 3, 2], params: 0 });
  checkLayer(new Average(), [[2, 4], [2, 4]], { outputShape: [null, 4], params: 0 });
  checkLayer(new Concatenate(), [[2, 2, 3], [2, 2, 1]], { outputShape: [null, 2, 4], params: 0 });
  checkLayer(new Concatenate({ axis: 1 }), [[2, 2, 3], [2, 1, 3]], { outputShape: [null, 3, 3], params: 0 });
});
