import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradients } from '../autograd/backward.js';
import '../backend/engine.js';
import { mul, sum, tensor } from '../ops/index.js';
import { withScope } from '../tensor/scope.js';
import { Variable } from '../tensor/variable.js';
import { Adam, SGD } from './index.js';
import { CosineDecay, ExponentialDecay, PiecewiseConstantDecay } from './schedules.js';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('ExponentialDecay, PiecewiseConstantDecay and CosineDecay follow Keras formulas', () => {
  const e = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
  close(e.at(0), 0.1, 'exp 0');
  close(e.at(5), 0.1 * 0.5 ** 0.5, 'exp 5');
  close(new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true }).at(15), 0.05, 'staircase');
  const p = new PiecewiseConstantDecay({ boundaries: [10, 20], values: [1, 0.5, 0.1] });
  assert.deepEqual([0, 10, 11, 20, 21, 100].map((s) => p.at(s)), [1, 1, 0.5, 0.5, 0.1, 0.1]);
  const c = new CosineDecay({ initialLearningRate: 1, decaySteps: 100, alpha: 0.1 });
  close(c.at(0), 1, 'cos 0');
  close(c.at(50), 0.9 * 0.5 + 0.1, 'cos 50');
  close(c.at(200), 0.1, 'cos after the end');
  const w = new CosineDecay({ initialLearningRate: 0, decaySteps: 10, warmupTarget: 1, warmupSteps: 4 });
  close(w.at(2), 0.5, 'warmup');
  close(w.at(4), 1, 'warmup end');
  assert.throws(() => new PiecewiseConstantDecay({ boundaries: [1], values: [1] }), /one more element than boundaries/);
});

function step(opt: SGD | Adam, w: Variable, scale = 1): void {
  withScope(() => {
    const [g] = gradients(sum(mul(w, tensor([3 * scale, 4 * scale]))), [w]);
    opt.applyGradients([{ variable: w, grad: g! }]);
  });
}

test('a schedule drives SGD step by step; its rate cannot be overwritten', () => {
  const opt = new SGD({ learningRate: new PiecewiseConstantDecay({ boundaries: [0], values: [1, 0.1] }) });
  const w = new Variable(tensor([0, 0]), 'w');
  assert.equal(opt.learningRate, 1, 'the rate of the coming step 0');
  step(opt, w);
  assert.deepEqual(Array.from(w.dataSync()), [-3, -4]);
  assert.ok(Math.abs(opt.learningRate - 0.1) < 1e-12);
  step(opt, w);
  assert.deepEqual(Array.from(w.dataSync()).map((v) => Number(v.toFixed(5))), [-3.3, -4.4]);
  assert.throws(() => (opt.learningRate = 0.5), /comes from a PiecewiseConstantDecay schedule and cannot be set/);
  assert.deepEqual(opt.getConfig().learningRate, { className: 'PiecewiseConstantDecay', config: { boundaries: [0], values: [1, 0.1] } });
});

test('clipnorm, globalClipnorm and clipvalue clip gradients before the update', () => {
  const run = (o: ConstructorParameters<typeof SGD>[0], scale = 1) => {
    const w = new Variable(tensor([0, 0]), 'w');
    step(new SGD({ learningRate: 1, ...o }), w, scale);
    return Array.from(w.dataSync()).map((v) => Number(v.toFixed(5)));
  };
  // The gradient is [3, 4] (norm 5).
  assert.deepEqual(run({ clipnorm: 1 }), [-0.6, -0.8]);
  assert.deepEqual(run({ clipnorm: 10 }), [-3, -4], 'below the limit: unchanged');
  assert.deepEqual(run({ globalClipnorm: 2.5 }), [-1.5, -2]);
  assert.deepEqual(run({ clipvalue: 3.5 }), [-3, -3.5]);
  assert.deepEqual(run({ clipvalue: 1 }, -1), [1, 1]);
  assert.throws(() => new SGD({ clipnorm: 1, clipvalue: 1 }), /only one of clipnorm, clipvalue and globalClipnorm can be set, got clipnorm and clipvalue/);
  assert.throws(() => new Adam({ clipnorm: -1 }), /clipnorm must be a positive number, got -1/);
});
