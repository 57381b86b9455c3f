import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../backend/engine.js';
import { tensor } from '../ops/index.js';
import { checkLayer } from '../testing/layer-harness.js';
import { Dense } from './dense.js';

test('Dense with fused relu', () => {
  checkLayer(new Dense(5, { activation: 'relu' }), [4, 6], { outputShape: [null, 5], params: 6 * 5 + 5 });
});

test('Dense with softmax, no bias, he_normal kernel', () => {
  checkLayer(new Dense(3, { activation: 'softmax', useBias: false, kernelInitializer: 'he_normal' }), [3, 4], { outputShape: [null, 3], params: 12 });
});

test('Dense computes x @ kernel + bias with kernel [features, units]', () => {
  const layer = new Dense(2, { kernelInitializer: 'ones', biasInitializer: { className: 'Constant', config: { value: 1 } } });
  const y = layer.apply(tensor([[1, 2, 3]]));
  assert.deepEqual(layer.kernel?.shape, [3, 2]);
  assert.deepEqual(Array.from(y.dataSync()), [7, 7]);
});

test('Dense fed a 4-D tensor fails naming the layer, [None, features], the shape and Flatten', () => {
  const layer = new Dense(10, { name: 'classifier' });
  const expected = 'Layer "classifier" (Dense): expected input [None, features], got shape [None, 3, 3, 64]; add a Flatten layer before it to turn each sample into a vector';
  assert.throws(() => layer.computeOutputShape([null, 3, 3, 64]), { message: expected });
  assert.throws(() => layer.apply(tensor(new Float32Array(2 * 576), [2, 3, 3, 64])), { message: expected });
});

test('a built Dense rejects a different feature count', () => {
  const layer = new Dense(2, { name: 'd' });
  layer.apply(tensor(new Float32Array(6), [2, 3]));
  assert.throws(() => layer.apply(tensor(new Float32Array(8), [2, 4])), /Layer "d" \(Dense\): expected input \[None, 3\], got shape \[None, 4\]/);
});
