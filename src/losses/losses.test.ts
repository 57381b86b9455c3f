import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradients } from '../autograd/backward.js';
import { engine } from '../backend/engine.js';
import { createRefBackend } from '../backend/ref/ref-backend.js';
import { logSoftmax, mul, softmax, sum, tensor } from '../ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { referenceFile } from '../testing/reference-test-util.js';
import {
  binaryCrossentropy, CategoricalCrossentropy, categoricalCrossentropy, getLoss, meanAbsoluteError, meanSquaredError, sparseCategoricalCrossentropy,
} from './index.js';

engine.registerBackend('ref', createRefBackend, 1);

const refCase = (name: string) => {
  const c = referenceFile().cases.find((k) => k.name === name);
  assert.ok(c, `reference case ${name} missing`);
  // The fields differ per case; each test reads the ones its case has.
  return c as unknown as Record<string, never>;
};

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string, rtol = 1e-4, atol = 1e-6): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [actual[i], expected[i]];
    assert.ok(Math.abs(a - e) <= atol + rtol * Math.abs(e), `${label}[${i}]: got ${a}, expected ${e}`);
  }
}

/** Loss value and d loss / d pred. */
function lossAndGrad(fn: (p: Tensor) => Tensor, pred: Tensor): [number, Float32Array] {
  pred.requiresGrad = true;
  const loss = fn(pred);
  assert.deepEqual(loss.shape, [], 'loss is a scalar');
  const [g] = gradients(loss, [pred]);
  return [loss.item(), g!.dataSync() as Float32Array];
}

const oneHotRows = (labels: number[], depth: number) => labels.flatMap((l) => Array.from({ length: depth }, (_, k) => (k === l ? 1 : 0)));

describe('losses against PyTorch reference vectors', () => {
  it('softmax cross-entropy from logits = categoricalCrossentropy(fromLogits)', () => {
    const c = refCase('softmax_cross_entropy_mean');
    const [n, k] = c.logits_shape as number[];
    const yTrue = tensor(oneHotRows(c.labels, k), [n, k]);
    const [value, grad] = lossAndGrad((p) => categoricalCrossentropy(yTrue, p, { fromLogits: true }), tensor(c.logits, [n, k]));
    assertClose([value], [c.loss], 'loss');
    assertClose(grad, c.dlogits, 'dlogits');
    // The sparse form with int32 and with float labels gives the same result.
    for (const labels of [tensor(c.labels, [n], 'int32'), tensor(c.labels, [n, 1])]) {
      const [v2, g2] = lossAndGrad((p) => sparseCategoricalCrossentropy(labels, p, { fromLogits: true }), tensor(c.logits, [n, k]));
      assertClose([v2], [c.loss], 'sparse loss');
      assertClose(g2, c.dlogits, 'sparse dlogits');
    }
  });

  it('categorical cross-entropy on probabilities', () => {
    const c = refCase('categorical_crossentropy_on_probs_mean');
    const [n, k] = c.probs_shape as number[];
    const probs: number[] = c.probs;
    const [value, grad] = lossAndGrad((p) => categoricalCrossentropy(tensor(oneHotRows(c.labels, k), [n, k]), p), tensor(probs, [n, k]));
    assertClose([value], [c.loss], 'loss');
    // PyTorch differentiates -log(p_label) alone; Keras first divides p by its row sum S, which
    // adds d/dp_j log(S) / N = 1 / (N * S) to every entry of the row.
    const rowSum = (i: number) => probs.slice(i * k, i * k + k).reduce((a, b) => a + b, 0);
    const expected = (c.dprobs as number[]).map((g, j) => g + 1 / (n * rowSum(Math.floor(j / k))));
    assertClose(grad, expected, 'dprobs');
  });

  it('mean squared error', () => {
    const c = refCase('mse_mean');
    const shape = c.shape as number[];
    const [value, grad] = lossAndGrad((p) => meanSquaredError(tensor(c.target, shape), p), tensor(c.pred, shape));
    assertClose([value], [c.loss], 'loss');
    assertClose(grad, c.dpred, 'dpred');
  });

  it('binary cross-entropy from logits', () => {
    const c = refCase('binary_crossentropy_from_logits_mean');
    const shape = c.shape as number[];
    const [value, grad] = lossAndGrad((p) => binaryCrossentropy(tensor(c.target, shape), p, { fromLogits: true }), tensor(c.logits, shape));
    assertClose([value], [c.loss], 'loss');
    assertClose(grad, c.dlogits, 'dlogits');
    // From probabilities (sigmoid of the logits) the value agrees.
    const probs = (c.logits as number[]).map((x) => 1 / (1 + Math.exp(-x)));
    const fromProbs = binaryCrossentropy(tensor(c.target, shape), tensor(probs, shape)).item();
    assertClose([fromProbs], [c.loss], 'loss from probabilities');
  });

  for (const [name, op] of [['softmax', softmax], ['log_softmax', logSoftmax]] as const) {
    it(`${name} forward and gradient`, () => {
      const c = refCase(name);
      const x = tensor(c.x, c.x_shape);
      x.requiresGrad = true;
      const y = op(x);
      assertClose(y.dataSync(), c.y, 'y');
      const [dx] = gradients(sum(mul(y, tensor(c.dy, c.x_shape))), [x]);
      assertClose(dx!.dataSync(), c.dx, 'dx');
    });
  }
});

describe('loss semantics', () => {
  it('categorical cross-entropy clips and normalizes probabilities like Keras', () => {
    // Row [0, 2] sums to 2 -> [0, 1]; the target class has p = 0, clipped to 1e-7.
    const v = categoricalCrossentropy(tensor([[1, 0]]), tensor([[0, 2]])).item();
    assertClose([v], [-Math.log(1e-7)], 'clipped', 1e-3);
    const halves = categoricalCrossentropy(tensor([[0, 1]]), tensor([[1, 3]])).item();
    assertClose([halves], [-Math.log(0.75)], 'normalized');
  });

  it('label smoothing', () => {
    // Target [1, 0, 0] with s = 0.3 -> [0.8, 0.1, 0.1].
    const logits = [0.5, -1, 2];
    const lse = Math.log(logits.reduce((a, x) => a + Math.exp(x), 0));
    const expected = -[0.8, 0.1, 0.1].reduce((a, t, i) => a + t * (logits[i] - lse), 0);
    const v = categoricalCrossentropy(tensor([[1, 0, 0]]), tensor([logits]), { fromLogits: true, labelSmoothing: 0.3 }).item();
    assertClose([v], [expected], 'smoothed CE');
    const b = binaryCrossentropy(tensor([1]), tensor([0.5]), { labelSmoothing: 0.2 }).item();
    assertClose([b], [Math.log(2)], 'smoothed BCE at p=0.5');
  });

  it('binary cross-entropy from logits stays finite for large logits', () => {
    const v = binaryCrossentropy(tensor([1, 0]), tensor([-100, 100]), { fromLogits: true }).item();
    assertClose([v], [100], 'large logits');
  });

  it('mean absolute error and the [N] vs [N, 1] tolerance', () => {
    assertClose([meanAbsoluteError(tensor([1, 2, 3]), tensor([[2], [2], [1]])).item()], [1], 'mae');
    assertClose([meanSquaredError(tensor([[1], [2]]), tensor([3, 2])).item()], [2], 'mse');
  });

  it('shape and label errors name both shapes', () => {
    assert.throws(() => meanSquaredError(tensor([1, 2, 3]), tensor([1, 2])), /meanSquaredError: yTrue shape \[3\] does not match yPred shape \[2\]/);
    assert.throws(() => categoricalCrossentropy(tensor([[1, 0]]), tensor([[0.5, 0.2, 0.3]])), /yTrue shape \[1,\s?2\] does not match yPred shape \[1,\s?3\]/);
    assert.throws(() => sparseCategoricalCrossentropy(tensor([1, 0, 2], [3], 'int32'), tensor([[0.5, 0.5], [0.5, 0.5]])), /yTrue shape \[3\] should be yPred shape \[2,\s?2\] without its last/);
    assert.throws(() => sparseCategoricalCrossentropy(tensor([1, 2], [2], 'int32'), tensor([[0.5, 0.5], [0.5, 0.5]])), /label 2 at index 1 is not a class index in \[0, 1\]/);
    assert.throws(() => sparseCategoricalCrossentropy(tensor([0.5, 1]), tensor([[0.5, 0.5], [0.5, 0.5]])), /label 0.5 at index 0/);
    assert.throws(() => binaryCrossentropy(tensor([1, 0], [2], 'int32'), tensor([0.5, 0.5])), /binaryCrossentropy: yTrue must be float32, got int32/);
  });
});

describe('getLoss', () => {
  it('resolves Keras and camelCase names to canonical names', () => {
    const expectations: [string, string, unknown][] = [
      ['categorical_crossentropy', 'categorical_crossentropy', categoricalCrossentropy],
      ['categoricalCrossentropy', 'categorical_crossentropy', categoricalCrossentropy],
      ['sparse_categorical_crossentropy', 'sparse_categorical_crossentropy', sparseCategoricalCrossentropy],
      ['sparseCategoricalCrossentropy', 'sparse_categorical_crossentropy', sparseCategoricalCrossentropy],
      ['binary_crossentropy', 'binary_crossentropy', binaryCrossentropy],
      ['binaryCrossentropy', 'binary_crossentropy', binaryCrossentropy],
      ['mse', 'mean_squared_error', meanSquaredError],
      ['mean_squared_error', 'mean_squared_error', meanSquaredError],
      ['meanSquaredError', 'mean_squared_error', meanSquaredError],
      ['mae', 'mean_absolute_error', meanAbsoluteError],
      ['mean_absolute_error', 'mean_absolute_error', meanAbsoluteError],
      ['meanAbsoluteError', 'mean_absolute_error', meanAbsoluteError],
    ];
    for (const [id, name, fn] of expectations) {
      const { unreduced, ...rest } = getLoss(id);
      assert.deepEqual(rest, { name, fn }, id);
      assert.equal(typeof unreduced, 'function', `${id}: a built-in loss gives its unreduced values`);
    }
  });

  it('passes functions through and rejects unknown names', () => {
    assert.equal(getLoss(sparseCategoricalCrossentropy).name, 'sparse_categorical_crossentropy');
    const custom = function hinge(t: Tensor, p: Tensor) { return meanAbsoluteError(t, p); };
    assert.deepEqual(getLoss(custom), { name: 'hinge', fn: custom, unreduced: null });
    assert.throws(() => getLoss('crossentropy'), /Unknown loss 'crossentropy' in compile .*: valid names: 'categorical_crossentropy'.*'mse'/);
  });

  it("a subclass that changes only call() is weighted through call(), not the built-in's unreduced values", () => {
    class Doubled extends CategoricalCrossentropy {
      override call(yTrue: Tensor, yPred: Tensor): Tensor { return mul(super.call(yTrue, yPred), tensor([2], [])); }
    }
    class DoubledBoth extends Doubled {
      override unreduced(yTrue: Tensor, yPred: Tensor): Tensor { return mul(super.unreduced(yTrue, yPred), tensor([2], [])); }
    }
    assert.equal(getLoss(new Doubled()).unreduced, null);
    assert.equal(typeof getLoss(new DoubledBoth()).unreduced, 'function');
    assert.equal(typeof getLoss(new CategoricalCrossentropy()).unreduced, 'function');
  });
});
