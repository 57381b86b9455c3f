import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../backend/engine.js';
import { tensor } from '../ops/create.js';
import { Variable } from '../tensor/variable.js';
import { Adam } from './adam.js';
import { SGD } from './sgd.js';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} vs ${b}`);

test('useEma keeps Keras moving averages: the first step copies, then average = m*average + (1-m)*w', () => {
  const opt = new SGD({ learningRate: 0.1, useEma: true, emaMomentum: 0.9 });
  const w = new Variable(tensor([1]), 'w');
  const step = () => opt.applyGradients([{ variable: w, grad: tensor([1]) }]);
  const avg = () => (opt.ema?.entries().get(w) as Variable).item();
  step();
  close(w.item(), 0.9, 'w1');
  close(avg(), 0.9, 'average after the first step');
  step();
  close(avg(), 0.9 * 0.9 + 0.1 * 0.8, 'average after step 2');
  step();
  close(avg(), 0.9 * 0.89 + 0.1 * 0.7, 'average after step 3');
  close(w.item(), 0.7, 'no overwrite without emaOverwriteFrequency');
});

test('emaOverwriteFrequency puts the averages into the weights every k steps', () => {
  const opt = new SGD({ learningRate: 0.1, useEma: true, emaMomentum: 0.9, emaOverwriteFrequency: 3 });
  const w = new Variable(tensor([1]), 'w');
  for (let i = 0; i < 2; i++) opt.applyGradients([{ variable: w, grad: tensor([1]) }]);
  close(w.item(), 0.8, 'before the 3rd step');
  opt.applyGradients([{ variable: w, grad: tensor([1]) }]);
  close(w.item(), 0.871, 'overwritten after step 3');
});

test('EMA options are validated and appear in the config only when on', () => {
  assert.throws(() => new SGD({ useEma: true, emaMomentum: 1.5 }), /emaMomentum must be a number in \[0, 1\]/);
  assert.throws(() => new Adam({ useEma: true, emaOverwriteFrequency: 0 }), /emaOverwriteFrequency must be an integer >= 1/);
  assert.equal(new SGD().ema, null);
  assert.equal('useEma' in new SGD().getConfig(), false);
  const config = new Adam({ useEma: true }).getConfig();
  assert.deepEqual([config.useEma, config.emaMomentum, config.emaOverwriteFrequency], [true, 0.99, null]);
  // The config recreates the same optimizer.
  const again = new Adam(config as never);
  assert.deepEqual(again.getConfig(), config);
});

test('finalizeVariableValues gives every variable its average', () => {
  const opt = new SGD({ learningRate: 0.5, useEma: true, emaMomentum: 0.5 });
  const w = new Variable(tensor([2, 4]), 'w');
  opt.applyGradients([{ variable: w, grad: tensor([1, 1]) }]);
  opt.applyGradients([{ variable: w, grad: tensor([1, 1]) }]);
  assert.deepEqual(Array.from(w.dataSync()), [1, 3]);
  opt.finalizeVariableValues([w]);
  assert.deepEqual(Array.from(w.dataSync()), [1.25, 3.25]);
  new SGD().finalizeVariableValues([w]);
  assert.deepEqual(Array.from(w.dataSync()), [1.25, 3.25], 'no EMA: nothing changes');
});
