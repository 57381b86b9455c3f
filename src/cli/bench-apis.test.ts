import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../backend/engine.js';
import '../node/install-collector.js';
import { roundRatios, runApiComparison } from './bench-apis.js';
import { benchModelsByName } from './bench-models.js';

test('roundRatios: the median and range of per-round ratios, not the ratio of medians', () => {
  // Medians alone would give 2 / 2 = 1 too; the ranges show the rounds were paired.
  assert.deepEqual(roundRatios([1, 2, 4], [2, 2, 2]), { median: 1, range: [0.5, 2] });
  assert.deepEqual(roundRatios([2, 2, 2, 2], [1, 2, 3, 5]), { median: 1.25, range: [0.5, 2.5] });
});

test('bench --model lenet5 --api sequential,functional,nn: one process, the first API the base, every API its kernels', () => {
  const lines: string[] = [];
  const [r] = runApiComparison({ models: benchModelsByName('lenet5'), apis: ['sequential', 'functional', 'nn'], rounds: 2, steps: 2, warmup: 1, inferSamples: 16 }, (l) => lines.push(l));
  assert.deepEqual([r!.event, r!.model, r!.base, r!.rounds, r!.stepsPerBlock, r!.batch, r!.inferImages], ['apiComparison', 'lenet5', 'sequential', 2, 1, 64, 16]);
  assert.deepEqual(r!.apis.map((a) => a.api), ['sequential', 'functional', 'nn']);
  const [seq, fn, nn] = r!.apis;
  assert.deepEqual([seq!.trainRatio, seq!.inferRatio, seq!.trainRatioRange, seq!.inferRatioRange], [1, 1, [1, 1], [1, 1]]);
  for (const a of [fn!, nn!]) {
    for (const v of [a.trainSamplesPerSec, a.inferSamplesPerSec, a.trainRatio, a.inferRatio]) assert.ok(Number.isFinite(v) && v > 0, `${a.api}: ${v}`);
    assert.ok(a.trainRatioRange[0] <= a.trainRatio && a.trainRatio <= a.trainRatioRange[1], a.api);
  }
  // The same planned kernels in every API; nn's step reads class indices and runs no Transpose.
  assert.deepEqual(fn!.kernelCalls, seq!.kernelCalls);
  assert.equal(nn!.kernelCalls.Conv2DPool, 2);
  assert.equal(nn!.kernelCalls.Transpose, undefined);
  assert.equal(nn!.kernelCalls.SparseSoftmaxCrossEntropy, 1);
  assert.match(lines.join('\n'), /^lenet5 in 3 APIs on wasm, \d threads, one process: 2 rounds/);
  assert.match(lines.join('\n'), /^ {2}nn {9}train \d+ samples\/s \(\d\.\d{3}x sequential, rounds \d\.\d\d-\d\.\d\d\), inference/m);
});

test('bench --api with a list: at least two APIs, each valid for the model', () => {
  const [lenet] = benchModelsByName('lenet5');
  const [resnet] = benchModelsByName('resnet8');
  assert.throws(() => runApiComparison({ models: [lenet!], apis: ['nn'] }), /bench: comparing APIs takes at least two \(got nn\)/);
  assert.throws(() => runApiComparison({ models: [resnet!], apis: ['functional', 'sequential'], rounds: 1, steps: 1 }), /resnet8's Keras-style build is a functional Model/);
});
