/**
 * Keras's sparse categorical cross-entropy runs the class-index kernel (SparseSoftmaxCrossEntropy)
 * wherever it has logits: `fromLogits`, a Dense with activation 'softmax', an Activation('softmax')
 * last layer; weighted or not. Its loss and every weight gradient are categoricalCrossentropy's on
 * the one-hot labels, bit for bit, on the reference and on wasm with 1 and 2 threads.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradients } from '../src/autograd/backward.js';
import { engine } from '../src/backend/engine.js';
import type { KernelId } from '../src/backend/kernels.js';
import { Activation } from '../src/layers/activation.js';
import { Dense } from '../src/layers/dense.js';
import {
  CategoricalCrossentropy, categoricalCrossentropy, getLoss, type Loss, type LossName, SparseCategoricalCrossentropy, sparseCategoricalCrossentropy,
} from '../src/losses/index.js';
import { functionalSeedCnn } from '../src/cli/bench-programs.js';
import { mnistCnn } from '../src/models/mnist-cnn.js';
import { Sequential } from '../src/models/sequential.js';
import { weightedLoss } from '../src/models/weighted-loss.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { SGD } from '../src/optimizers/sgd.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { gradcheck } from '../src/testing/gradcheck.js';

registerWasmBackend({ name: 'wasm-keras-sparse-1', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-keras-sparse-2', threads: 2, priority: 0 });
const BACKENDS = ['ref', 'wasm-keras-sparse-1', 'wasm-keras-sparse-2'];
const CLASSES = 5;

function onBackend<T>(name: string, fn: () => T): T {
  engine.setBackend(name);
  try {
    return fn();
  } finally {
    engine.setBackend('ref');
  }
}

/** Kernel ids and counts of an async action (kernelCalls takes a synchronous one). */
async function kernelCallsOf(fn: () => Promise<unknown>): Promise<Map<KernelId, number>> {
  const calls = new Map<KernelId, number>();
  const previous = engine.observer;
  engine.observer = (id) => calls.set(id, (calls.get(id) ?? 0) + 1);
  try {
    await fn();
  } finally {
    engine.observer = previous;
  }
  return calls;
}

/** The output heads a sparse loss meets: which one the loss reads logits from, if any. */
const HEADS = {
  'Dense softmax': { layers: () => [new Dense(CLASSES, { activation: 'softmax' })], fromLogits: false, sparseKernel: true },
  'Activation(softmax)': { layers: () => [new Dense(CLASSES), new Activation('softmax')], fromLogits: false, sparseKernel: true },
  fromLogits: { layers: () => [new Dense(CLASSES)], fromLogits: true, sparseKernel: true },
  // Probabilities that are no softmax output: the one path left with a one-hot tensor.
  'Dense sigmoid (probabilities)': { layers: () => [new Dense(CLASSES, { activation: 'sigmoid' })], fromLogits: false, sparseKernel: false },
} as const;
type Head = (typeof HEADS)[keyof typeof HEADS];

function model(head: Head, seed = 3): Sequential {
  return new Sequential({ seed, layers: [new Dense(8, { activation: 'relu', inputShape: [6] }), ...head.layers()] });
}

function batch(seed: number, n = 12): { x: Tensor; labels: Int32Array } {
  const rng = new Random(seed);
  const x = ops.tensor(Float32Array.from({ length: n * 6 }, () => 2 * rng.normal()), [n, 6]);
  return { x, labels: Int32Array.from({ length: n }, () => rng.int(CLASSES)) };
}

/** The label forms Keras takes: int [N], float [N], int [N, 1], float [N, 1]. */
function labelForms(labels: Int32Array): [string, Tensor][] {
  const n = labels.length;
  return [
    ['int32 [N]', ops.tensor(labels, [n], 'int32')],
    ['float32 [N]', ops.tensor(Float32Array.from(labels), [n])],
    ['int32 [N, 1]', ops.tensor(labels, [n, 1], 'int32')],
    ['float32 [N, 1]', ops.tensor(Float32Array.from(labels), [n, 1])],
  ];
}

/** The batch loss and every trainable weight's gradient, as the training step computes them. */
function lossAndGrads(m: Sequential, loss: Loss, x: Tensor, y: Tensor, weights: Float32Array | null): { loss: number; grads: number[][] } {
  const pred = m.forward([x], true)[0]!;
  const resolved = getLoss(loss);
  const total = weights === null ? resolved.fn(y, pred) : weightedLoss(resolved, y, pred, weights);
  const grads = gradients(total, m.trainableWeights);
  return { loss: total.item(), grads: grads.map((g) => Array.from(g!.dataSync())) };
}

describe('sparse labels, the categorical loss on their one-hot rows: same bits', () => {
  const { x, labels } = batch(7);
  const oneHot = ops.tensor(Float32Array.from({ length: labels.length * CLASSES }, (_, i) => (labels[Math.floor(i / CLASSES)] === i % CLASSES ? 1 : 0)), [labels.length, CLASSES]);
  const sampleWeights = Float32Array.from(labels, (_, i) => [0.5, 2, 0, 1.25][i % 4]!);
  for (const backend of BACKENDS) {
    for (const [headName, head] of Object.entries(HEADS)) {
      it(`${backend}, ${headName}: loss and weight gradients, unweighted and sample-weighted`, () => {
        onBackend(backend, () => {
          const m = model(head);
          const dense = lossAndGrads(m, new CategoricalCrossentropy({ fromLogits: head.fromLogits }), x, oneHot, null);
          const denseWeighted = lossAndGrads(m, new CategoricalCrossentropy({ fromLogits: head.fromLogits }), x, oneHot, sampleWeights);
          for (const [form, y] of labelForms(labels)) {
            const sparse = new SparseCategoricalCrossentropy({ fromLogits: head.fromLogits });
            assert.deepEqual(lossAndGrads(m, sparse, x, y, null), dense, `${form}, unweighted`);
            assert.deepEqual(lossAndGrads(m, sparse, x, y, sampleWeights), denseWeighted, `${form}, sample weights`);
          }
        });
      });
    }
  }

  it('the loss by name and by function, in trainOnBatch with class weights: same loss and same updated weights', () => {
    for (const backend of BACKENDS) {
      onBackend(backend, () => {
        const trained = (loss: 'categorical_crossentropy' | 'sparse_categorical_crossentropy', y: Tensor) => {
          const m = model(HEADS['Dense softmax'], 11);
          m.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss });
          const [value] = m.trainOnBatch(x, y, { classWeight: { 0: 1, 1: 0.5, 2: 2, 3: 0, 4: 1.5 } });
          return { value, weights: m.getWeights().map((w) => Array.from(w.dataSync())) };
        };
        const dense = trained('categorical_crossentropy', oneHot);
        for (const [form, y] of labelForms(labels)) assert.deepEqual(trained('sparse_categorical_crossentropy', y), dense, `${backend}, ${form}`);
      });
    }
  });
});

describe('a Sequential fit step with sparse labels', () => {
  for (const [api, build] of [['Sequential', (seed: number) => mnistCnn({ seed })], ['functional', functionalSeedCnn]] as const) {
    it(`seed CNN (${api}), Dense softmax output: no OneHot kernel, one SparseSoftmaxCrossEntropy each way`, async () => {
      engine.setBackend('wasm-keras-sparse-2');
      try {
        const m = build(1);
        m.compile({ optimizer: 'rmsprop', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
        const rng = new Random(4);
        const x = ops.tensor(Float32Array.from({ length: 16 * 784 }, () => rng.next()), [16, 28, 28, 1]);
        const y = ops.tensor(Float32Array.from({ length: 16 }, (_, i) => i % 10), [16, 1]);
        const calls = await kernelCallsOf(() => m.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 }));
        const all = JSON.stringify([...calls]);
        assert.equal(calls.get('OneHot'), undefined, all);
        assert.equal(calls.get('SoftmaxCrossEntropy'), undefined, all);
        assert.equal(calls.get('Cast'), undefined, `float labels are read, not cast by a kernel: ${all}`);
        assert.equal(calls.get('SparseSoftmaxCrossEntropy'), 1, all);
        assert.equal(calls.get('SparseSoftmaxCrossEntropyGrad'), 1, all);
      } finally {
        engine.setBackend('ref');
      }
    });
  }

  for (const [headName, head] of Object.entries(HEADS)) {
    it(`${headName}, sample and class weights: ${head.sparseKernel ? 'the sparse kernel, no OneHot' : 'the one-hot form'}`, async () => {
      const { x, labels } = batch(8);
      const y = ops.tensor(labels, [labels.length], 'int32');
      const m = model(head);
      m.compile({ optimizer: 'sgd', loss: new SparseCategoricalCrossentropy({ fromLogits: head.fromLogits }) });
      for (const weighting of [{}, { sampleWeight: ops.tensor(Float32Array.from(labels, (l) => l / 2)) }, { classWeight: { 0: 1, 1: 2, 2: 0, 3: 1, 4: 3 } }]) {
        const calls = await kernelCallsOf(() => m.fit(x, y, { epochs: 1, batchSize: labels.length, verbose: 0, ...weighting }));
        const all = `${JSON.stringify(Object.keys(weighting))}: ${JSON.stringify([...calls])}`;
        assert.equal(calls.get('SparseSoftmaxCrossEntropy'), head.sparseKernel ? 1 : undefined, all);
        assert.equal(calls.get('SparseSoftmaxCrossEntropyGrad'), head.sparseKernel ? 1 : undefined, all);
        assert.equal(calls.get('OneHot'), head.sparseKernel ? undefined : 1, all);
      }
    });
  }

  it('a label outside 0..C-1 raises an error naming the loss, the label and C', async () => {
    const m = model(HEADS['Dense softmax']);
    m.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    const { x } = batch(9, 4);
    for (const bad of [5, -1, 1.5]) {
      const y = ops.tensor([0, 1, bad, 2], [4]);
      await assert.rejects(() => m.fit(x, y, { epochs: 1, verbose: 0, shuffle: false }), new RegExp(`sparseCategoricalCrossentropy: label ${bad} at index 2 is not a class index in \\[0, 4\\] \\(yPred has 5 classes\\)`));
    }
  });
});

describe("Keras 3's reference values", () => {
  const close = (actual: number, expected: number, what: string, tol = 5e-4) => assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual}, expected ${expected}`);

  it('probabilities: SparseCategoricalCrossentropy docs ([1, 2] against two rows), keras.ops example', () => {
    const yPred = ops.tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]);
    const yTrue = ops.tensor([1, 2], [2]);
    const loss = getLoss(new SparseCategoricalCrossentropy());
    close(loss.fn(yTrue, yPred).item(), 1.177, 'sum_over_batch_size');
    close(weightedLoss(loss, yTrue, yPred, Float32Array.of(0.3, 0.7)).item(), 0.814, 'sample_weight [0.3, 0.7]');
    const unreduced = Array.from(loss.unreduced!(yTrue, yPred).dataSync());
    [0.0513, 2.303].forEach((v, i) => close(unreduced[i]!, v, `reduction none [${i}]`));
    const perSample = getLoss('sparse_categorical_crossentropy').unreduced!(ops.tensor([0, 1, 2], [3], 'int32'), ops.tensor([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.2, 0.3, 0.5]])).dataSync();
    [0.10536056, 0.22314355, 0.6931472].forEach((v, i) => close(perSample[i]!, v, `keras.ops [${i}]`, 1e-6));
  });

  it('fromLogits (the TensorFlow op Keras 3 calls for it: sparse_softmax_cross_entropy_with_logits docs)', () => {
    for (const backend of BACKENDS) {
      onBackend(backend, () => {
        const logits = ops.tensor([[2, -5, 0.5, -0.1], [0, 0, 1.9, 1.4], [-100, 100, -100, -100]]);
        const labels = ops.tensor([0, 3, 1], [3], 'int32');
        const values = getLoss(new SparseCategoricalCrossentropy({ fromLogits: true })).unreduced!(labels, logits).dataSync();
        [0.29750752, 1.1448325, 0].forEach((v, i) => close(values[i]!, v, `${backend} [${i}]`, 1e-6));
        close(sparseCategoricalCrossentropy(labels, logits, { fromLogits: true }).item(), (0.29750752 + 1.1448325) / 3, `${backend} mean`, 1e-6);
        // The same logits through softmax: read back to them, not through log(clip(p)).
        close(sparseCategoricalCrossentropy(labels, ops.softmax(logits)).item(), (0.29750752 + 1.1448325) / 3, `${backend} softmax output`, 1e-6);
      });
    }
  });
});

describe('gradcheck', () => {
  const rng = new Random(12);
  const z = ops.tensor(Float32Array.from({ length: 6 * CLASSES }, () => 2 * rng.normal()), [6, CLASSES]);
  const labels = ops.tensor(Int32Array.from([0, 4, 2, 2, 1, 3]), [6], 'int32');
  const resolved = getLoss('sparse_categorical_crossentropy');
  const w = Float32Array.of(0.5, 2, 0, 1, 1.5, 0.25);
  it('from logits, through a softmax output, sample-weighted, and the one-hot path on probabilities', () => {
    gradcheck((x) => sparseCategoricalCrossentropy(labels, x, { fromLogits: true }), [z], { name: 'fromLogits' });
    gradcheck((x) => sparseCategoricalCrossentropy(labels, ops.softmax(x)), [z], { name: 'softmax output' });
    gradcheck((x) => weightedLoss(resolved, labels, ops.softmax(x), w), [z], { name: 'sample-weighted' });
    gradcheck((x) => sparseCategoricalCrossentropy(labels, ops.sigmoid(x)), [z], { name: 'probabilities (one-hot path)' });
    // Equal to the categorical loss's gradient there too.
    const oneHot = ops.oneHot(labels, CLASSES);
    const grad = (f: (x: Tensor) => Tensor) => {
      const x = ops.tensor(z.dataSync().slice(), z.shape);
      x.requiresGrad = true;
      return Array.from(gradients(f(x), [x])[0]!.dataSync());
    };
    assert.deepEqual(grad((x) => sparseCategoricalCrossentropy(labels, ops.sigmoid(x))), grad((x) => categoricalCrossentropy(oneHot, ops.sigmoid(x))));
  });
});

describe('weighting the unreduced values keeps the per-sample calls\' result (Keras: sum(w * values) / count)', () => {
  const rng = new Random(13);
  const uniform = (shape: number[]) => ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 0.05 + 0.9 * rng.next()), shape);
  const w = Float32Array.of(0.5, 0, 2, 1.25);
  for (const shape of [[4, 3], [4, 2, 2, 3]]) {
    it(`every built-in loss, predictions ${JSON.stringify(shape)}`, () => {
      const pred = uniform(shape);
      const classes = ops.tensor(Int32Array.from({ length: pred.size / 3 }, (_, i) => (i * 5) % 3), shape.slice(0, -1), 'int32');
      const targets: Record<string, Tensor> = {
        categorical_crossentropy: ops.oneHot(classes, 3), sparse_categorical_crossentropy: classes,
        binary_crossentropy: uniform(shape), mean_squared_error: uniform(shape), mean_absolute_error: uniform(shape),
      };
      for (const [name, y] of Object.entries(targets)) {
        const loss = getLoss(name as LossName);
        const scaled = weightedLoss(loss, y, pred, w).item();
        const perSampleCalls = weightedLoss({ ...loss, unreduced: null }, y, pred, w).item();
        assert.ok(Math.abs(scaled - perSampleCalls) <= 1e-6 * Math.max(1, Math.abs(perSampleCalls)), `${name}: ${scaled} vs ${perSampleCalls}`);
      }
    });
  }
});
