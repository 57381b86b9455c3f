import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mnistCnn } from '../models/mnist-cnn.js';
import { bits, randomInput, smallCnn } from './io-test-util.js';
import { pytorchStateDict } from './pytorch-state-dict.js';
import { loadPytorchWeights } from './pytorch-weights.js';
import { readTorchFile } from './torch/read-torch-file.js';
import { writeTorchFile } from './torch/write-torch-file.js';

test('the Keras course CNN gets the names and layouts of its torch.nn.Sequential (ReLU modules counted, the final softmax left to the loss)', () => {
  const dict = pytorchStateDict(mnistCnn({ seed: 1 }));
  assert.deepEqual([...dict].map(([k, t]) => `${k} ${t.shape.join('x')}`), [
    '0.weight 32x1x3x3', '0.bias 32', '3.weight 64x32x3x3', '3.bias 64', '6.weight 64x64x3x3', '6.bias 64',
    '9.weight 64x576', '9.bias 64', '11.weight 10x64', '11.bias 10',
  ]);
});

test('pytorchStateDict is the inverse of loadPytorchWeights: another model given its state dict (directly, or through a .pt file) predicts bit for bit alike', () => {
  const model = mnistCnn({ seed: 1 });
  const x = randomInput(2, [28, 28, 1], 2);
  const want = bits(model.predict(x).dataSync());
  const direct = mnistCnn({ seed: 2 });
  loadPytorchWeights(direct, pytorchStateDict(model));
  assert.deepEqual(bits(direct.predict(x).dataSync()), want);
  const viaFile = mnistCnn({ seed: 3 });
  loadPytorchWeights(viaFile, readTorchFile(writeTorchFile(pytorchStateDict(model))));
  assert.deepEqual(bits(viaFile.predict(x).dataSync()), want);
});

test('a mapping names the modules; a missing entry is named', () => {
  const dict = pytorchStateDict(smallCnn(1), { conv2d: 'features.0', dense: 'classifier' });
  assert.deepEqual([...dict.keys()], ['features.0.weight', 'features.0.bias', 'classifier.weight', 'classifier.bias']);
  assert.throws(() => pytorchStateDict(smallCnn(1), { conv2d: 'features.0' }), /pytorchStateDict: mapping has no entry for layer 'dense'/);
});
