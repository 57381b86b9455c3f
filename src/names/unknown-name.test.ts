import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestName, editDistance, unknownNameError } from './unknown-name.js';

test('editDistance counts insertions, deletions and substitutions', () => {
  assert.equal(editDistance('', ''), 0);
  assert.equal(editDistance('relu', 'relu'), 0);
  assert.equal(editDistance('relux', 'relu'), 1);
  assert.equal(editDistance('rlu', 'relu'), 1);
  assert.equal(editDistance('relu', 'selu'), 1);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('', 'adam'), 4);
});

test('closestName ignores case and underscores, and gives up on names too far from any', () => {
  const activations = ['linear', 'relu', 'relu6', 'leaky_relu', 'sigmoid', 'hard_sigmoid', 'softmax'];
  assert.equal(closestName('relux', activations), 'relu');
  assert.equal(closestName('leakyrelu', activations), 'leaky_relu');
  assert.equal(closestName('LeakyReLU', activations), 'leaky_relu');
  assert.equal(closestName('sigmod', activations), 'sigmoid');
  assert.equal(closestName('softmaxx', activations), 'softmax');
  assert.equal(closestName('convolution', activations), null);
  assert.equal(closestName('x', ['valid', 'same']), null);
  assert.equal(closestName('channels_lst', ['channelsLast', 'channelsFirst', 'channels_last', 'channels_first']), 'channels_last');
  assert.equal(closestName('channelLast', ['channelsLast', 'channelsFirst', 'channels_last', 'channels_first']), 'channelsLast');
});

test('unknownNameError names the option, where it was given and the closest name, or lists the valid names', () => {
  assert.equal(unknownNameError('activation', 'relux', ['relu', 'tanh'], 'layer "conv2d"').message, `Unknown activation 'relux' in layer "conv2d": did you mean 'relu'?`);
  assert.equal(unknownNameError('padding', 'full', ['valid', 'same']).message, `Unknown padding 'full': valid names: 'valid', 'same'`);
  // Not a string at all (a number from a hand-edited config): said as such, no suggestion.
  assert.equal(unknownNameError('loss', 3, ['mse'], 'compile').message, `Unknown loss 3 (number) in compile: valid names: 'mse'`);
  assert.equal(unknownNameError('loss', undefined, ['mse']).message, `Unknown loss undefined (undefined): valid names: 'mse'`);
});
