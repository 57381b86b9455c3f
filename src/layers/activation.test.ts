import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../backend/engine.js';
import { tensor } from '../ops/index.js';
import { checkLayer } from '../testing/layer-harness.js';
import { Activation } from './activation.js';
import { InputLayer } from './input-layer.js';
import { layerFromConfig, registeredLayerNames } from './registry.js';

test('Activation layers: shapes, config round trip, gradients', () => {
  checkLayer(new Activation('softmax'), [3, 4], { outputShape: [null, 4], params: 0 });
  checkLayer(new Activation('elu'), [2, 3, 2], { outputShape: [null, 3, 2], params: 0 });
  assert.deepEqual(new Activation('leakyRelu').getConfig().activation, 'leaky_relu');
});

test('Activation applies its function', () => {
  assert.deepEqual(Array.from(new Activation('relu').apply(tensor([-1, 2])).dataSync()), [0, 2]);
});

test('InputLayer takes shape, inputShape or batchInputShape and passes data through', () => {
  assert.deepEqual(new InputLayer({ shape: [28, 28, 1] }).shape, [null, 28, 28, 1]);
  assert.deepEqual(new InputLayer({ inputShape: [4], batchSize: 8 }).shape, [8, 4]);
  const layer = new InputLayer({ batchInputShape: [null, 5] });
  const clone = layerFromConfig('InputLayer', layer.getConfig());
  assert.deepEqual(clone.getConfig(), layer.getConfig());
  const x = tensor([1, 2, 3, 4, 5], [1, 5]);
  assert.equal(layer.apply(x), x);
  assert.throws(() => new InputLayer({}), /InputLayer: needs `shape`/);
});

test('registry knows every layer class and names them when asked for an unknown one', () => {
  for (const name of ['Conv2D', 'MaxPooling2D', 'AveragePooling2D', 'MinPooling2D', 'Flatten', 'Dense', 'Activation', 'InputLayer']) {
    assert.ok(registeredLayerNames().includes(name), name);
  }
  assert.throws(() => layerFromConfig('Conv3D', {}), /Unknown layer class 'Conv3D' in a model config: did you mean 'Conv2D'\? \(custom layers: registerLayer\)/);
  assert.throws(() => layerFromConfig('LSTM', {}), /Unknown layer class 'LSTM' in a model config: valid names: 'Conv2D', .*'Dense'.* \(custom layers: registerLayer\)/);
  assert.throws(() => layerFromConfig('Dense', {}), /Dense config: missing 'units'/);
});

test('a config with batchInputShape rebuilds with the same input shape and name', () => {
  const original = layerFromConfig('Dense', { units: 3, name: 'head', batchInputShape: [null, 7] });
  assert.equal(original.name, 'head');
  assert.deepEqual(original.batchInputShape, [null, 7]);
});
