import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../backend/engine.js';
import { tensor } from '../ops/index.js';
import { ACTIVATION_NAMES, getActivation } from './activations.js';

const at = (name: string, values: number[]): number[] => Array.from(getActivation(name).fn(tensor(values)).dataSync());

function close(actual: number[], expected: number[], tol = 1e-5): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= tol, `[${i}] ${a} vs ${expected[i]}`));
}

test('every Keras activation name resolves and keeps the shape', () => {
  for (const name of ACTIVATION_NAMES) {
    const y = getActivation(name).fn(tensor([[-1, 0.5], [2, -3]]));
    assert.deepEqual(y.shape, [2, 2], name);
  }
  for (const name of ['relu', 'relu6', 'leaky_relu', 'elu', 'selu', 'gelu', 'sigmoid', 'hard_sigmoid', 'tanh', 'softplus', 'softsign', 'swish', 'silu', 'mish', 'sinc', 'step', 'log_sigmoid', 'softmax', 'log_softmax', 'linear']) {
    assert.ok(ACTIVATION_NAMES.includes(name), name);
  }
});

test('values match the Keras 3 definitions', () => {
  close(at('leaky_relu', [-1, 2]), [-0.2, 2]);
  close(at('relu6', [-1, 3, 9]), [0, 3, 6]);
  close(at('hard_sigmoid', [-4, 0, 1.5, 4]), [0, 0.5, 0.75, 1]);
  close(at('step', [-1, 0, 2]), [0, 0, 1]);
  close(at('softmax', [1, 2, 3]), [0.09003057, 0.24472847, 0.66524096]);
  close(at('log_softmax', [0, 0]), [Math.log(0.5), Math.log(0.5)]);
  close(at('gelu', [1]), [0.8413447]);
  close(at('silu', [1]), [1 / (1 + Math.exp(-1))]);
  close(at('linear', [-7]), [-7]);
});

test('camelCase spellings and null resolve to the Keras names', () => {
  assert.equal(getActivation('leakyRelu').name, 'leaky_relu');
  assert.equal(getActivation('hardSigmoid').name, 'hard_sigmoid');
  assert.equal(getActivation('logSoftmax').name, 'log_softmax');
  assert.equal(getActivation(null).name, 'linear');
  assert.equal(getActivation(undefined).name, 'linear');
});

test('only linear, relu and relu6 fuse into conv/dense kernels', () => {
  const fused = ACTIVATION_NAMES.filter((n) => getActivation(n).fused !== null);
  assert.deepEqual(fused.sort(), ['linear', 'relu', 'relu6']);
});

test('an unknown name gets the closest valid one', () => {
  assert.throws(() => getActivation('rellu'), /Error: Unknown activation 'rellu': did you mean 'relu'\?$/);
});
