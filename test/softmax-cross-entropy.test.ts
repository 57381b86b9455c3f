/**
 * softmaxCrossEntropy and the categorical losses' use of it: from logits, and from a softmax
 * output through its remembered logits (Keras 3's TensorFlow backend behaviour), while plain
 * probabilities keep the clipped formula.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradients } from '../src/autograd/backward.js';
import { engine } from '../src/backend/engine.js';
import { Dense } from '../src/layers/dense.js';
import { crossentropyAlong } from '../src/losses/categorical-crossentropy.js';
import { categoricalCrossentropy, sparseCategoricalCrossentropy } from '../src/losses/index.js';
import { Sequential } from '../src/models/sequential.js';
import * as nn from '../src/nn/index.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import { kernelCalls } from '../src/backend/kernel-calls.js';
import { withScope } from '../src/tensor/scope.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { assertClose } from '../src/testing/assert-close.js';
import { gradcheck } from '../src/testing/gradcheck.js';

engine.setBackend('ref');

function randn(shape: number[], rng: Random, scale = 1): Tensor {
  return ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale), shape);
}

function oneHot(classes: number[], depth: number): Tensor {
  return ops.oneHot(ops.tensor(Int32Array.from(classes), [classes.length], 'int32'), depth);
}

/** A tensor with `t`'s values and no history: plain probabilities, not a softmax output. */
const copyOf = (t: Tensor): Tensor => ops.tensor(t.dataSync(), t.shape);

/** Per-row float64 -sum(labels * logSoftmax(z)) and the clipped -sum(labels * log(clip(p))) of [rows, classes]. */
function expected(z: Float32Array | Int32Array, labels: Float32Array | Int32Array, classes: number): { exact: number[]; clipped: number[] } {
  const exact: number[] = [], clipped: number[] = [];
  for (let base = 0; base < z.length; base += classes) {
    const row = Array.from(z.subarray(base, base + classes));
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    const t = (j: number) => labels[base + j]!;
    exact.push(row.reduce((s, v, j) => s - t(j) * (v - lse), 0));
    clipped.push(row.reduce((s, v, j) => s - t(j) * Math.log(Math.min(Math.max(Math.exp(v - lse), 1e-7), 1 - 1e-7)), 0));
  }
  return { exact, clipped };
}

/** The gradient of sum(loss(z)) with respect to z. */
function gradOf(loss: (z: Tensor) => Tensor, z: Tensor): Float32Array {
  const x = copyOf(z);
  x.requiresGrad = true;
  return gradients(ops.sum(loss(x)), [x])[0]!.dataSync() as Float32Array;
}

describe('softmaxCrossEntropy op', () => {
  it('equals the composed logSoftmax formula on random inputs', () => {
    const rng = new Random(3);
    for (const [shape, axis] of [[[8, 10], -1], [[3, 4, 5], 1], [[4, 3], 0], [[6], 0]] as [number[], number][]) {
      const z = randn(shape, rng, 2);
      const t = ops.tensor(Float32Array.from({ length: z.size }, () => rng.next()), shape);
      const composed = ops.neg(ops.sum(ops.mul(t, ops.logSoftmax(z, axis)), axis));
      const y = ops.softmaxCrossEntropy(t, z, axis);
      assert.deepEqual(y.shape, composed.shape, `shape for ${shape} axis ${axis}`);
      assertClose(y, composed, { rtol: 1e-5, atol: 1e-5, what: `${shape} axis ${axis}` });
    }
  });

  it('is exact for logits of 1e3, where the clipped probability path saturates at -log(1e-7)', () => {
    const rng = new Random(4);
    const z = randn([16, 10], rng, 1e3);
    const labels = oneHot(Array.from({ length: 16 }, () => rng.int(10)), 10);
    const y = ops.softmaxCrossEntropy(labels, z);
    const { exact, clipped } = expected(z.dataSync(), labels.dataSync(), 10);
    assertClose(y, exact, { rtol: 1e-6, atol: 1e-3, what: 'float64 formula' });
    const composed = ops.neg(ops.sum(ops.mul(labels, ops.logSoftmax(z)), -1));
    assertClose(y, composed, { rtol: 1e-5, atol: 1e-3, what: 'composed logSoftmax' });
    // The clip path on the same probabilities: at most -log(1e-7) = 16.1 per row.
    const clipPath = crossentropyAlong(labels, copyOf(ops.softmax(z)), 1, false).dataSync();
    assertClose(clipPath, clipped, { rtol: 1e-5, atol: 1e-5, what: 'clip path' });
    const differ = exact.filter((v, i) => Math.abs(v - clipPath[i]!) > 1).length;
    assert.ok(differ >= 8 && exact.some((v) => v > 100), `large logits must make the clip path differ (${differ} of 16 rows)`);
    // And the gradient stays finite: softmax * 1 - labels, each entry in [-1, 1].
    const g = gradOf((x) => ops.softmaxCrossEntropy(labels, x), z);
    assert.ok(g.every((v) => Number.isFinite(v) && Math.abs(v) <= 1), 'finite gradient');
  });

  it('gradients w.r.t. logits and labels match finite differences', () => {
    const rng = new Random(5);
    const soft = (shape: number[]) => ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next()), shape);
    gradcheck((t, z) => ops.softmaxCrossEntropy(t, z), [soft([5, 7]), randn([5, 7], rng, 3)], { name: 'last axis' });
    gradcheck((t, z) => ops.softmaxCrossEntropy(t, z, 0), [soft([4, 3, 2]), randn([4, 3, 2], rng)], { name: 'axis 0 of rank 3' });
    gradcheck((z) => ops.softmaxCrossEntropy(oneHot([2, 0, 1], 4), z), [randn([3, 4], rng, 4)], { name: 'one-hot labels' });
  });

  it('rejects mismatched shapes and dtypes, naming both', () => {
    assert.throws(() => ops.softmaxCrossEntropy(ops.zeros([2, 3]), ops.zeros([2, 4])), /softmaxCrossEntropy: labels shape \[2, 3\] does not match logits shape \[2, 4\]/);
    assert.throws(() => ops.softmaxCrossEntropy(ops.zeros([2], 'int32'), ops.zeros([2])), /softmaxCrossEntropy: labels must be float32, got int32 of shape \[2\]/);
    assert.throws(() => ops.softmaxCrossEntropy(ops.zeros([2, 3]), ops.zeros([2, 3]), 2), /softmaxCrossEntropy: axis 2 is out of range/);
  });
});

describe('categorical losses on a softmax output use its logits', () => {
  // Row 1's target class has p = exp(-25) / ... < 1e-7: the only row where the paths differ.
  const z = ops.tensor([[1, 2, 0.5, -1], [0, 25, 0, 0], [3, 3.5, -2, 0.1]]);
  const labels = oneHot([1, 0, 3], 4);

  it('the loss equals the logits path and differs from the clip path only where p < 1e-7', () => {
    const p = ops.softmax(z);
    const viaSoftmax = crossentropyAlong(labels, p, 1, false).dataSync();
    assert.deepEqual(Array.from(viaSoftmax), Array.from(crossentropyAlong(labels, z, 1, true).dataSync()), 'same kernel, same values');
    const { exact, clipped } = expected(z.dataSync(), labels.dataSync(), 4);
    assertClose(viaSoftmax, exact, { rtol: 1e-6, what: 'exact' });
    const clipPath = crossentropyAlong(labels, copyOf(p), 1, false).dataSync();
    assertClose(clipPath, clipped, { rtol: 1e-5, what: 'clip path' });
    for (const i of [0, 2]) assertClose([viaSoftmax[i]!], [clipPath[i]!], { rtol: 1e-5, what: `row ${i} (p >= 1e-7)` });
    assert.ok(viaSoftmax[1]! > 24.9 && Math.abs(clipPath[1]! + Math.log(1e-7)) < 1e-3, `row 1: ${viaSoftmax[1]} exact vs ${clipPath[1]} clipped`);
    const mean = categoricalCrossentropy(labels, p).item();
    assertClose([mean], [exact.reduce((a, b) => a + b) / 3], { rtol: 1e-6, what: 'categoricalCrossentropy' });
  });

  it('gradients w.r.t. the logits equal those of fromLogits, and the loss runs one kernel each way', () => {
    const viaSoftmax = gradOf((x) => categoricalCrossentropy(labels, ops.softmax(x)), z);
    const viaLogits = gradOf((x) => categoricalCrossentropy(labels, x, { fromLogits: true }), z);
    assert.deepEqual(Array.from(viaSoftmax), Array.from(viaLogits));
    const x = copyOf(z);
    x.requiresGrad = true;
    const p = ops.softmax(x);
    const calls = kernelCalls(() => gradients(categoricalCrossentropy(labels, p), [x]));
    assert.equal(calls.get('SoftmaxCrossEntropy'), 1);
    assert.equal(calls.get('SoftmaxCrossEntropyGrad'), 1);
    assert.equal(calls.get('Unary') ?? 0, 0, 'no log (nor the softmax backward) is run');
    assert.equal(calls.get('UnaryGrad') ?? 0, 0);
  });

  it('label smoothing and the sparse loss follow the logits path too', () => {
    const smoothed = categoricalCrossentropy(labels, ops.softmax(z), { labelSmoothing: 0.2 }).item();
    assert.equal(smoothed, categoricalCrossentropy(labels, z, { fromLogits: true, labelSmoothing: 0.2 }).item());
    const sparse = ops.tensor([1, 0, 3], [3], 'int32');
    assert.equal(sparseCategoricalCrossentropy(sparse, ops.softmax(z)).item(), sparseCategoricalCrossentropy(sparse, z, { fromLogits: true }).item());
    assert.ok(sparseCategoricalCrossentropy(sparse, ops.softmax(z)).item() > sparseCategoricalCrossentropy(sparse, copyOf(ops.softmax(z))).item() + 2);
  });

  it('a Dense softmax layer trained with categorical_crossentropy runs the fused kernels', () => {
    const model = new Sequential({ seed: 1, layers: [new Dense(4, { activation: 'softmax', inputShape: [3] })] });
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    const calls = kernelCalls(() => model.trainOnBatch(randn([5, 3], new Random(6)), oneHot([0, 1, 2, 3, 0], 4)));
    assert.equal(calls.get('SoftmaxCrossEntropy'), 1);
    assert.equal(calls.get('SoftmaxCrossEntropyGrad'), 1);
  });

  it('the softmax output keeps its value', () => {
    const p = ops.softmax(z).dataSync();
    const e = ops.exp(ops.sub(z, ops.max(z, -1, true)));
    // The Softmax kernel rounds once; the composed ops round at every step.
    ops.div(e, ops.sum(e, -1, true)).dataSync().forEach((v, i) => assert.ok(Math.abs(p[i]! - v) <= 2e-7, `[${i}]: ${p[i]} vs ${v}`));
  });
});

describe('the clip path is unchanged', () => {
  const z = ops.tensor([[1, 2, 0.5, -1], [0, 25, 0, 0]]);
  const labels = oneHot([1, 0], 4);
  const clipped = expected(z.dataSync(), labels.dataSync(), 4).clipped;

  it('for plain probabilities, a softmax along another axis, a derived tensor and released logits', () => {
    const check = (p: Tensor, what: string) => assertClose(crossentropyAlong(labels, p, 1, false), clipped, { rtol: 1e-5, what });
    check(copyOf(ops.softmax(z)), 'plain probabilities');
    check(ops.mul(ops.softmax(z), 1), 'softmax times 1');
    // softmax along axis 0 is remembered for axis 0 only; the loss reads axis 1.
    const p0 = ops.softmax(ops.transpose(z), 0);
    check(ops.transpose(p0), 'transposed');
    assertClose(crossentropyAlong(ops.transpose(labels), p0, 0, false), ops.softmaxCrossEntropy(ops.transpose(labels), ops.transpose(z), 0), { what: 'same axis' });
    // A step scope releases the logits but keeps the returned output: the loss must still work.
    const kept = withScope(() => ops.softmax(ops.mul(z, 1)));
    check(kept, 'released logits');
  });

  it('for probabilities that do not sum to 1 (normalized first)', () => {
    const v = categoricalCrossentropy(ops.tensor([[0, 1]]), ops.tensor([[1, 3]])).item();
    assertClose([v], [-Math.log(0.75)], { what: 'normalized' });
  });
});

describe('nn: nll_loss(log_softmax(z)) and cross_entropy(log_softmax(z)) start from the logits z', () => {
  const { F } = nn;
  const rng = new Random(21);
  const z = randn([6, 5], rng, 3);
  z.requiresGrad = true;
  const target = ops.tensor(Int32Array.from([0, 4, 2, 2, 1, 3]), [6], 'int32');
  const composed = (t: Tensor) => ops.neg(ops.mean(ops.sum(ops.mul(t, ops.oneHot(target, 5)), 1)));
  for (const [name, loss] of [['nllLoss', F.nllLoss], ['crossEntropy', F.crossEntropy]] as const) {
    it(`${name}: one SparseSoftmaxCrossEntropy kernel each way, the composed loss's value and gradient`, () => {
      let value: Tensor | null = null;
      let grad: (Tensor | null)[] = [];
      const calls = kernelCalls(() => {
        value = loss(F.logSoftmax(z, 1), target);
        grad = gradients(value, [z]);
      });
      assert.equal(calls.get('SparseSoftmaxCrossEntropy'), 1);
      assert.equal(calls.get('SparseSoftmaxCrossEntropyGrad'), 1);
      assert.equal(calls.get('OneHot'), undefined, 'class targets go to the kernel as indices');
      assert.equal(calls.get('UnaryGrad'), undefined);
      // The reference: the log-softmax taken apart, picked and averaged by ordinary ops.
      const plain = composed(ops.sub(z, ops.logSumExp(z, 1, true)));
      assertClose(value!, plain, { rtol: 1e-6, atol: 1e-6, what: `${name} value` });
      assertClose(grad[0]!, gradients(plain, [z])[0]!, { rtol: 1e-5, atol: 1e-6, what: `${name} gradient` });
    });
  }
});
