/**
 * Unknown layer config keys are refused as Keras refuses them. The fuzzer's case, kept as a
 * regression: a one-bit flip 'activation' -> 'actiwation' in model.json or in a .keras config
 * loaded a model that outputs logits instead of probabilities. Every key real files carry
 * (Keras 3, tf.keras 2, TensorFlow.js, Fovea's own) must still be accepted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zipSync } from 'fflate';
import { layerFromConfig, registeredLayerNames } from '../layers/registry.js';
import { describeOutcome, withinBounds } from '../testing/bounds-test-util.js';
import { randomInput, smallCnn } from './io-test-util.js';
import { loadKeras, saveKeras } from './keras/keras-file.js';
import { openZip } from './keras/zip-archive.js';
import { checkLayerKeys, checksKeysOf } from './keras-layer-keys.js';
import { snakeKeys } from './json-case.js';
import { fromFiles, fromMemory, intoFiles } from './memory-handlers.js';
import { loadModel, saveModel } from './model-io.js';
import { ModelFormatError } from './model-format-error.js';
import type { ModelArtifacts } from './types.js';
import { Sequential } from '../models/sequential.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `bytes` with the last occurrence of `from` replaced by `to` (same length: a bit flip). */
function flipLast(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const text = decoder.decode(bytes);
  const at = text.lastIndexOf(from);
  assert.ok(at >= 0, `'${from}' not found`);
  return encoder.encode(text.slice(0, at) + to + text.slice(at + from.length));
}

const ACTIWATION = /modelTopology layer #4 \(Dense 'dense'\): unknown config key 'actiwation' \(did you mean 'activation'\?\); Keras's Dense takes no such argument \(its own keys: units, activation, use_bias/;

test("a bit flip 'activation' -> 'actiwation' in model.json is refused, naming the key and the layer", async (t) => {
  const files = new Map<string, Uint8Array>();
  await saveModel(smallCnn(1), intoFiles(files));
  // 'v' (0x76) -> 'w' (0x77): the Dense layer's, the last one in the file.
  files.set('model.json', flipLast(files.get('model.json') as Uint8Array, '"activation"', '"actiwation"'));
  const m = await withinBounds('actiwation in model.json', () => loadModel(fromFiles(files)));
  t.diagnostic(describeOutcome(m));
  assert.ok(m.error instanceof ModelFormatError && /model\.json\)?: modelTopology/.test(m.error.message) && ACTIWATION.test(m.error.message), describeOutcome(m));
});

test("a bit flip 'activation' -> 'actiwation' in a .keras config is refused, naming the key and the layer", async (t) => {
  const zip = openZip(await saveKeras(smallCnn(1)), 'm.keras');
  const config = flipLast(zip.read('config.json'), '"activation"', '"actiwation"');
  const flipped = zipSync({
    'metadata.json': [zip.read('metadata.json'), { level: 0 }],
    'config.json': [config, { level: 0 }],
    'model.weights.h5': [zip.read('model.weights.h5'), { level: 0 }],
  });
  const m = await withinBounds('actiwation in .keras', () => loadKeras(flipped, 'flipped.keras'));
  t.diagnostic(describeOutcome(m));
  assert.ok(m.error instanceof ModelFormatError && /^flipped\.keras \(config\.json\): modelTopology layer #\d \(Dense 'dense'\): unknown config key 'actiwation'/.test(m.error.message), describeOutcome(m));
});

test("every key Fovea's own layers write is accepted for their class", () => {
  const required: Record<string, Record<string, unknown>> = {
    Conv2D: { filters: 2, kernelSize: 3 }, Conv1D: { filters: 2, kernelSize: 3 }, Conv2DTranspose: { filters: 2, kernelSize: 3 },
    SeparableConv2D: { filters: 2, kernelSize: 3 }, DepthwiseConv2D: { kernelSize: 3 }, Dense: { units: 2 }, Activation: { activation: 'relu' },
    Dropout: { rate: 0.5 }, SpatialDropout2D: { rate: 0.5 }, ZeroPadding2D: { padding: 1 }, Cropping2D: { cropping: 1 },
    UpSampling2D: { size: 2 }, Reshape: { targetShape: [2] }, Rescaling: { scale: 2 }, InputLayer: { batchInputShape: [null, 8, 8, 4] },
    Resizing: { height: 2, width: 2 }, CenterCrop: { height: 2, width: 2 }, RandomCrop: { height: 2, width: 2 }, RandomRotation: { factor: 0.1 },
    RandomZoom: { heightFactor: 0.1 }, RandomTranslation: { heightFactor: 0.1, widthFactor: 0.1 }, RandomContrast: { factor: 0.1 }, RandomBrightness: { factor: 0.1 },
  };
  for (const className of registeredLayerNames()) {
    assert.ok(checksKeysOf(className), `${className} has no list of accepted keys`);
    const layer = layerFromConfig(className, { ...required[className], ...(className === 'InputLayer' ? {} : { inputShape: [8, 8, 4] }) });
    checkLayerKeys(className, snakeKeys(layer.getConfig()) as Record<string, unknown>, className, 'fovea');
  }
});

test('the keys Keras 3 and tf.keras 2 write for common layers are accepted', () => {
  const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
  const keras3: [string, Record<string, unknown>][] = [
    ['InputLayer', { batch_shape: [null, 28, 28, 1], dtype: 'float32', sparse: false, ragged: false, name: 'input_layer', optional: false }],
    ['Conv2D', { name: 'conv2d', trainable: true, dtype: policy, filters: 32, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', data_format: 'channels_last',
      dilation_rate: [1, 1], groups: 1, activation: 'relu', use_bias: true, kernel_initializer: {}, bias_initializer: {}, kernel_regularizer: null,
      bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null }],
    ['Dense', { name: 'dense', trainable: true, dtype: policy, units: 10, activation: 'softmax', use_bias: true, kernel_initializer: {}, bias_initializer: {},
      kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null, lora_rank: null }],
    ['BatchNormalization', { name: 'bn', trainable: true, dtype: policy, axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true,
      beta_initializer: {}, gamma_initializer: {}, moving_mean_initializer: {}, moving_variance_initializer: {}, beta_regularizer: null,
      gamma_regularizer: null, beta_constraint: null, gamma_constraint: null, synchronized: false }],
    ['Dropout', { name: 'dropout', trainable: true, dtype: policy, rate: 0.5, seed: null, noise_shape: null }],
    ['LeakyReLU', { name: 'leaky', trainable: true, dtype: policy, negative_slope: 0.3 }],
  ];
  const keras2: [string, Record<string, unknown>][] = [
    ['InputLayer', { batch_input_shape: [null, 4], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' }],
    ['BatchNormalization', { name: 'bn', trainable: true, dtype: 'float32', axis: [3], momentum: 0.99, epsilon: 0.001, center: true, scale: true,
      beta_initializer: {}, gamma_initializer: {}, moving_mean_initializer: {}, moving_variance_initializer: {}, beta_regularizer: null,
      gamma_regularizer: null, beta_constraint: null, gamma_constraint: null, renorm: false, virtual_batch_size: null, adjustment: null, fused: null }],
    ['DepthwiseConv2D', { name: 'dw', trainable: true, dtype: 'float32', kernel_size: [3, 3], strides: [1, 1], padding: 'same', data_format: 'channels_last',
      dilation_rate: [1, 1], groups: 1, activation: 'linear', use_bias: true, bias_initializer: {}, bias_regularizer: null, activity_regularizer: null,
      bias_constraint: null, depth_multiplier: 1, depthwise_initializer: {}, depthwise_regularizer: null, depthwise_constraint: null }],
    ['LeakyReLU', { name: 'leaky', trainable: true, dtype: 'float32', alpha: 0.1 }],
  ];
  for (const [className, config] of [...keras3, ...keras2]) checkLayerKeys(className, config, className, 'keras');
});

test('the keys TensorFlow.js writes for each layer class are accepted', async (t) => {
  const TFJS = '@tensorflow/tfjs';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let tf: any;
  try {
    tf = await import(TFJS);
  } catch {
    t.skip(`${TFJS} is not installed`);
    return;
  }
  const L = tf.layers;
  const made: [string, { getConfig(): Record<string, unknown> }][] = [
    ['InputLayer', L.inputLayer({ inputShape: [4] })], ['Dense', L.dense({ units: 2 })], ['Conv2D', L.conv2d({ filters: 2, kernelSize: 3 })],
    ['Conv1D', L.conv1d({ filters: 2, kernelSize: 3 })], ['Conv2DTranspose', L.conv2dTranspose({ filters: 2, kernelSize: 3 })],
    ['DepthwiseConv2D', L.depthwiseConv2d({ kernelSize: 3 })], ['SeparableConv2D', L.separableConv2d({ filters: 2, kernelSize: 3 })],
    ['MaxPooling2D', L.maxPooling2d({})], ['AveragePooling2D', L.averagePooling2d({})], ['Flatten', L.flatten()],
    ['Activation', L.activation({ activation: 'relu' })], ['Dropout', L.dropout({ rate: 0.5 })], ['BatchNormalization', L.batchNormalization()],
    ['GlobalAveragePooling2D', L.globalAveragePooling2d({})], ['GlobalMaxPooling2D', L.globalMaxPooling2d({})], ['ZeroPadding2D', L.zeroPadding2d({})],
    ['Cropping2D', L.cropping2D({ cropping: 1 })], ['UpSampling2D', L.upSampling2d({})], ['Reshape', L.reshape({ targetShape: [2] })],
    ['Rescaling', L.rescaling({ scale: 2 })], ['ReLU', L.reLU()], ['LeakyReLU', L.leakyReLU()], ['PReLU', L.prelu()], ['ELU', L.elu()],
    ['Resizing', L.resizing({ height: 2, width: 3 })], ['CenterCrop', L.centerCrop({ height: 2, width: 3 })],
    ['Softmax', L.softmax()], ['Add', L.add()], ['Multiply', L.multiply()], ['Average', L.average()], ['Concatenate', L.concatenate()],
  ];
  for (const [className, layer] of made) checkLayerKeys(className, snakeKeys(layer.getConfig()) as Record<string, unknown>, className, 'tfjs');
});

test("LeakyReLU's alpha (Keras 2, TensorFlow.js) is its slope, and default-only keys are refused at other values", async () => {
  const artifacts = (slope: Record<string, unknown>, extra: Record<string, unknown> = {}): ModelArtifacts => ({
    modelTopology: { class_name: 'Sequential', config: { name: 'm', layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 3], name: 'in' } },
      { class_name: 'LeakyReLU', config: { name: 'leaky', ...slope, ...extra } },
    ] } },
    weightSpecs: [], weightData: new Uint8Array(0),
  });
  const x = randomInput(1, [3], 1);
  const out = async (slope: Record<string, unknown>) => Array.from(((await loadModel(fromMemory(artifacts(slope)))) as Sequential).predict(x).dataSync() as Float32Array);
  assert.deepEqual(await out({ alpha: 0.1 }), await out({ negative_slope: 0.1 }));
  await assert.rejects(loadModel(fromMemory(artifacts({ alpha: 0.1 }, { negative_slope_: 1 }))), /unknown config key 'negative_slope_' \(did you mean 'negative_slope'\?\)/);
  assert.throws(() => checkLayerKeys('DepthwiseConv2D', { groups: 2 }, 'layer #1', 'f'), /'groups' = number 2 is not supported by Fovea's DepthwiseConv2D \(only 1\)/);
});
