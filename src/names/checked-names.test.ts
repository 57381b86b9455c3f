/**
 * Names are checked twice (issue 16, item 7). Each `@ts-expect-error` below pins a compile-time
 * check: if a name type is widened to `string`, the directive is unused and the build fails. The
 * same misspellings then reach the run-time check, as they do from JavaScript or from a file.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../backend/engine.js';
import { Activation } from '../layers/activation.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { MaxPooling2D } from '../layers/max-pooling2d.js';
import { Sequential } from '../models/sequential.js';
import type { CompileOptions } from '../models/compile.js';
import { Conv2d } from '../nn/conv.js';
import { tensor } from '../ops/create.js';

function model(): Sequential {
  const m = new Sequential({ seed: 1 });
  m.add(new Dense(2, { inputShape: [3] }));
  return m;
}

test('a misspelled activation does not compile, and throws with the closest name at run time', () => {
  assert.throws(
    () => new Conv2D(4, 3, {
      name: 'conv2d',
      // @ts-expect-error: 'relux' is not an activation name
      activation: 'relux',
    }),
    /Unknown activation 'relux' in Layer "conv2d" \(Conv2D\): did you mean 'relu'\?/,
  );
  // @ts-expect-error: 'sigmod' is not an activation name
  assert.throws(() => new Dense(2, { name: 'dense', activation: 'sigmod' }), /Unknown activation 'sigmod' in Layer "dense" \(Dense\): did you mean 'sigmoid'\?/);
  // @ts-expect-error: 'softmaxx' is not an activation name
  assert.throws(() => new Activation('softmaxx'), /did you mean 'softmax'\?/);
});

test('misspelled initializer, regularizer, constraint, padding and data format names do not compile, and throw with the closest name', () => {
  // @ts-expect-error: 'glorot_uniforn' is not an initializer name
  assert.throws(() => new Dense(2, { name: 'd', kernelInitializer: 'glorot_uniforn' }), /Unknown initializer 'glorot_uniforn' in Layer "d" \(Dense\): did you mean 'glorot_uniform'\?/);
  // @ts-expect-error: 'l3' is not a regularizer name
  assert.throws(() => new Conv2D(4, 3, { name: 'c', kernelRegularizer: 'l3' }), /Unknown regularizer 'l3' in Layer "c" \(Conv2D\): did you mean 'l1'\?/);
  // @ts-expect-error: 'max_nrom' is not a constraint name
  assert.throws(() => new Dense(2, { name: 'd', kernelConstraint: 'max_nrom' }), /Unknown constraint 'max_nrom' in Layer "d" \(Dense\): did you mean 'max_norm'\?/);
  // @ts-expect-error: 'sme' is not a padding
  assert.throws(() => new Conv2D(4, 3, { name: 'c', padding: 'sme' }), /Unknown padding 'sme' in Layer "c" \(Conv2D\): did you mean 'same'\?/);
  // @ts-expect-error: 'valid_' is not a padding
  assert.throws(() => new MaxPooling2D([2, 2], { padding: 'valid_' }), /Unknown padding 'valid_'.*did you mean 'valid'\?/);
  // @ts-expect-error: 'channels_lst' is not a data format
  assert.throws(() => new Conv2D(4, 3, { dataFormat: 'channels_lst' }), /Unknown dataFormat 'channels_lst'.*did you mean 'channels_last'\?/);
});

test('the nn API: misspelled padding and padding modes do not compile, and throw with the closest name', () => {
  // @ts-expect-error: 'reflec' is not a padding mode
  assert.throws(() => new Conv2d(1, 2, 3, { paddingMode: 'reflec' }), /Unknown paddingMode 'reflec' in Conv2d: did you mean 'reflect'\?/);
  // @ts-expect-error: 'sme' is not a padding
  assert.throws(() => new Conv2d(1, 2, 3, { padding: 'sme' }), /Unknown padding 'sme' in Conv2d: did you mean 'same'\?/);
  assert.equal(new Conv2d(1, 2, 3, { padding: 'same' }).forward(tensor(new Float32Array(25), [1, 1, 5, 5])).shape.join('x'), '1x2x5x5');
});

test('misspelled loss, optimizer and metric names do not compile, and throw with the closest name', () => {
  // @ts-expect-error: 'categorical_crossentropyy' is not a loss name
  assert.throws(() => model().compile({ optimizer: 'adam', loss: 'categorical_crossentropyy' }), /Unknown loss 'categorical_crossentropyy' in compile.*: did you mean 'categorical_crossentropy'\?/);
  // @ts-expect-error: 'adan' is not an optimizer name
  assert.throws(() => model().compile({ optimizer: 'adan', loss: 'mse' }), /Unknown optimizer 'adan' in compile.*: did you mean 'adam'\?/);
  // @ts-expect-error: 'accuracyy' is not a metric name
  assert.throws(() => model().compile({ optimizer: 'sgd', loss: 'mse', metrics: ['accuracyy'] }), /Unknown metric 'accuracyy' in compile.*: did you mean 'accuracy'\?/);
  // Per-output forms are checked too.
  // @ts-expect-error: 'msee' is not a loss name
  const perOutput: CompileOptions = { optimizer: 'sgd', loss: ['msee'] };
  assert.throws(() => model().compile(perOutput), /Unknown loss 'msee'.*did you mean 'mse'\?/);
});

test('every spelling Fovea accepted before still compiles and resolves', () => {
  for (const activation of ['relu', 'leaky_relu', 'leakyRelu', 'hard_sigmoid', 'hardSigmoid', 'log_softmax', 'logSoftmax', 'silu', 'linear'] as const) {
    assert.doesNotThrow(() => new Dense(2, { activation }), activation);
  }
  for (const kernelRegularizer of ['l1', 'l2', 'l1_l2', 'l1l2', 'L1L2'] as const) assert.doesNotThrow(() => new Dense(2, { kernelRegularizer }), kernelRegularizer);
  for (const kernelConstraint of ['max_norm', 'maxNorm', 'MaxNorm', 'non_neg', 'nonNeg', 'unit_norm', 'min_max_norm', 'MinMaxNorm'] as const) {
    assert.doesNotThrow(() => new Dense(2, { kernelConstraint }), kernelConstraint);
  }
  for (const kernelInitializer of ['glorot_uniform', 'glorotUniform', 'GlorotUniform', 'he_normal', 'heNormal', 'zeros', 'Zeros', 'random_normal', 'lecun_uniform'] as const) {
    assert.doesNotThrow(() => new Dense(2, { kernelInitializer }), kernelInitializer);
  }
  const compiles: CompileOptions[] = [
    { optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] },
    { optimizer: 'Adam', loss: 'categoricalCrossentropy', metrics: ['acc', 'categorical_accuracy'] },
    { optimizer: 'RMSprop', loss: 'CategoricalCrossentropy', metrics: ['categoricalAccuracy'] },
    { optimizer: 'rmsprop', loss: 'sparse_categorical_crossentropy', metrics: ['sparse_categorical_accuracy'] },
    { optimizer: 'SGD', loss: 'mse', metrics: ['mae', 'mse', 'mean_absolute_error'] },
    { optimizer: 'adamw', loss: 'mae' }, { optimizer: 'AdamW', loss: 'binary_crossentropy', metrics: ['binary_accuracy'] },
    { optimizer: 'sgd', loss: 'mean_squared_error' }, { optimizer: 'sgd', loss: 'meanAbsoluteError' },
  ];
  for (const options of compiles) assert.doesNotThrow(() => model().compile(options), JSON.stringify(options));
});
