/**
 * Class targets go to the cross-entropy kernels as indices (SparseSoftmaxCrossEntropy): an nn
 * step with F.crossEntropy or F.nllLoss(F.logSoftmax) builds no one-hot tensor, and its loss and
 * logits gradient have the bits of the one-hot path it replaces, on the reference and on wasm.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradients } from '../src/autograd/backward.js';
import { engine } from '../src/backend/engine.js';
import { kernelCalls } from '../src/backend/kernel-calls.js';
import { BENCH_MODELS, benchProgram } from '../src/cli/bench-models.js';
import { toCategorical } from '../src/data/to-categorical.js';
import * as nn from '../src/nn/index.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { gradcheck } from '../src/testing/gradcheck.js';

const { F } = nn;
registerWasmBackend({ name: 'wasm-sparse-1', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-sparse-2', threads: 2, priority: 0 });
const BACKENDS = ['ref', 'wasm-sparse-1', 'wasm-sparse-2'];

function problem(seed: number, rows = 64, classes = 10): { z: Tensor; t: Tensor } {
  const rng = new Random(seed);
  const z = ops.tensor(Float32Array.from({ length: rows * classes }, () => 4 * rng.normal()), [rows, classes]);
  const t = ops.tensor(Int32Array.from({ length: rows }, () => rng.int(classes)), [rows], 'int32');
  return { z, t };
}

/** The loss value and its logits gradient, as plain arrays. */
function lossAndGrad(loss: (z: Tensor) => Tensor, values: Tensor): { y: number[]; g: number[] } {
  const z = ops.tensor(values.dataSync().slice(), values.shape);
  z.requiresGrad = true;
  const y = loss(z);
  const [g] = gradients(y, [z], ops.onesLike(y));
  return { y: Array.from(y.dataSync()), g: Array.from(g!.dataSync()) };
}

describe('SparseSoftmaxCrossEntropy: the one-hot path, bit for bit', () => {
  for (const backend of BACKENDS) {
    it(`${backend}: F.crossEntropy and F.nllLoss(F.logSoftmax) of class targets (mean, sum, none)`, () => {
      engine.setBackend(backend);
      try {
        const { z, t } = problem(5);
        // What F.crossEntropy ran before: the dense kernel on the targets' one-hot rows.
        const perSample = (x: Tensor) => ops.softmaxCrossEntropy(ops.oneHot(t, 10), x);
        for (const reduction of ['mean', 'sum', 'none'] as const) {
          const old = lossAndGrad((x) => (reduction === 'mean' ? ops.mean(perSample(x)) : reduction === 'sum' ? ops.sum(perSample(x)) : perSample(x)), z);
          assert.deepEqual(lossAndGrad((x) => F.crossEntropy(x, t, { reduction }), z), old, `crossEntropy ${reduction}`);
          assert.deepEqual(lossAndGrad((x) => F.nllLoss(F.logSoftmax(x, 1), t, { reduction }), z), old, `nllLoss ${reduction}`);
        }
      } finally {
        engine.setBackend('ref');
      }
    });
  }

  it('gradcheck of the class-index loss through F (mean and sum)', () => {
    const { z, t } = problem(6, 5, 7);
    gradcheck((x) => F.crossEntropy(x, t), [z], { name: 'crossEntropy mean' });
    gradcheck((x) => F.crossEntropy(x, t, { reduction: 'sum' }), [z], { name: 'crossEntropy sum' });
    gradcheck((x) => F.nllLoss(F.logSoftmax(x, 1), t), [z], { name: 'nllLoss(logSoftmax)' });
  });

  it("a masked class (-Infinity logit) leaves the row finite; a class outside the logits' range throws", () => {
    for (const backend of BACKENDS) {
      engine.setBackend(backend);
      try {
        const z = ops.tensor([[2, -Infinity, 0.5]]);
        const y = ops.sparseSoftmaxCrossEntropy(ops.tensor([0], [1], 'int32'), z).dataSync()[0]!;
        assert.ok(Math.abs(y - Math.log(1 + Math.exp(-1.5))) < 1e-6, `${backend}: ${y}`);
        assert.throws(() => ops.sparseSoftmaxCrossEntropy(ops.tensor([3], [1], 'int32'), z), /SparseSoftmaxCrossEntropy: class 3 of row 0 is outside 0..2/);
      } finally {
        engine.setBackend('ref');
      }
    }
    assert.throws(() => F.crossEntropy(ops.zeros([2, 3]), ops.tensor([0, 3], [2], 'int32')), /F.crossEntropy: target class 3 is outside 0..2/);
    assert.throws(() => ops.sparseSoftmaxCrossEntropy(ops.zeros([2], 'int32'), ops.zeros([3, 4])), /classes shape \[2\] must be the logits shape \[3, 4\] without its last/);
  });

  it("F's losses say a bad class in their own words, from the kernel's check (the targets are not read first), leaving no memory", () => {
    for (const backend of BACKENDS) {
      engine.setBackend(backend);
      try {
        const z = ops.tensor([[2, 1, 0.5], [0, 0, 1]]);
        const [bad, five, three] = [[0, -1], [5, 0], [0, 3]].map((t) => ops.tensor(t, [2], 'int32'));
        const logp = F.logSoftmax(z, 1);
        const before = engine.memory().bytes;
        assert.throws(() => F.crossEntropy(z, bad!), /^Error: F.crossEntropy: target class -1 is outside 0..2$/);
        assert.throws(() => F.nllLoss(logp, five!), /^Error: F.nllLoss: target class 5 is outside 0..2$/);
        assert.throws(() => F.nllLoss(z, three!), /^Error: F.nllLoss: target class 3 is outside 0..2$/);
        assert.equal(engine.memory().bytes, before, `${backend}: memory left by the throws`);
        const reads = kernelCalls(() => F.crossEntropy(z, ops.tensor([0, 2], [2], 'int32')).dataSync());
        assert.equal(reads.get('SparseSoftmaxCrossEntropy'), 1);
      } finally {
        engine.setBackend('ref');
      }
    }
  });
});

describe('an nn training step with class targets', () => {
  for (const name of ['lenet5', 'mnist-cnn'] as const) {
    it(`${name}: no OneHot kernel, one SparseSoftmaxCrossEntropy each way`, () => {
      engine.setBackend('wasm-sparse-2');
      try {
        const program = benchProgram(BENCH_MODELS[name], 'nn', 1).program;
        const rng = new Random(2);
        const x = ops.tensor(Float32Array.from({ length: 64 * 784 }, () => rng.next()), [64, 28, 28, 1]);
        const batch = program.prepare(x, toCategorical(Int32Array.from({ length: 64 }, (_, i) => i % 10), 10));
        program.trainStep(...batch);
        const calls = kernelCalls(() => program.trainStep(...batch));
        const all = JSON.stringify([...calls]);
        assert.equal(calls.get('OneHot'), undefined, all);
        assert.equal(calls.get('SoftmaxCrossEntropy'), undefined, all);
        assert.equal(calls.get('SparseSoftmaxCrossEntropy'), 1, all);
        assert.equal(calls.get('SparseSoftmaxCrossEntropyGrad'), 1, all);
      } finally {
        engine.setBackend('ref');
      }
    });
  }
});
