import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, tensor as t, values } from './kernel-test-util.js';
import { softmaxCrossEntropy } from './SoftmaxCrossEntropy.js';
import { softmaxCrossEntropyGrad } from './SoftmaxCrossEntropyGrad.js';

/** float64 -sum(labels * logSoftmax(z)) and its logits gradient for one row. */
function expectedRow(z: number[], labels: number[], dy: number): { loss: number; grad: number[] } {
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
  const total = labels.reduce((a, b) => a + b, 0);
  return {
    loss: labels.reduce((s, l, j) => s - l * (z[j]! - lse), 0),
    grad: z.map((v, j) => dy * (Math.exp(v - lse) * total - labels[j]!)),
  };
}

test('SoftmaxCrossEntropy: per-row loss, hand example and soft labels', () => {
  // Row 0: -log softmax([2, 0.5])[1] = 1.70141; row 1: soft labels summing to 1.5.
  const z = [2, 0.5, -1, 3], labels = [0, 1, 0.5, 1];
  const y = softmaxCrossEntropy({ logits: t(z, [2, 2]), labels: t(labels, [2, 2]) }, {});
  assert.deepEqual(y.shape, [2]);
  const rows = [expectedRow([2, 0.5], [0, 1], 1), expectedRow([-1, 3], [0.5, 1], 1)];
  assertClose(values(y), rows.map((r) => r.loss), 1e-6, 1e-6, 'loss');
  assertClose([values(y)[0]!], [1.701413], 1e-6, 1e-6, 'hand value');
});

test('SoftmaxCrossEntropy: large logits stay finite and exact (no clipping)', () => {
  // softmax([1000, -1000])[1] underflows to 0; the loss is still 2000.
  const y = softmaxCrossEntropy({ logits: t([1000, -1000, 0, 1e3], [2, 2]), labels: t([0, 1, 1, 0], [2, 2]) }, {});
  assertClose(values(y), [2000, 1000], 1e-7, 0, 'loss');
});

test('SoftmaxCrossEntropyGrad: dy * (softmax * sum(labels) - labels)', () => {
  const z = [0.3, -1.2, 2.5, 1, 1, 1], labels = [0.2, 0, 0.7, 0, 0, 1];
  const g = softmaxCrossEntropyGrad({ logits: t(z, [2, 3]), labels: t(labels, [2, 3]), dy: t([2, -0.5], [2]) }, {});
  assert.deepEqual(g.shape, [2, 3]);
  const expected = [...expectedRow(z.slice(0, 3), labels.slice(0, 3), 2).grad, ...expectedRow(z.slice(3), labels.slice(3), -0.5).grad];
  assertClose(values(g), expected, 1e-6, 1e-7, 'dlogits');
});

test('SoftmaxCrossEntropy(Grad): errors name the kernel and the shapes', () => {
  const z = t([1, 2, 3, 4, 5, 6], [2, 3]);
  assert.throws(() => softmaxCrossEntropy({ logits: z, labels: t([1, 0, 0], [1, 3]) }, {}),
    /SoftmaxCrossEntropy: labels must have the logits' shape, got logits \[2, 3\], labels \[1, 3\]/);
  assert.throws(() => softmaxCrossEntropy({ logits: t([1, 2], [2]), labels: t([1, 0], [2]) }, {}),
    /SoftmaxCrossEntropy: logits must be \[rows, classes\], got logits \[2\]/);
  assert.throws(() => softmaxCrossEntropyGrad({ logits: z, labels: z, dy: t([1, 2, 3], [3]) }, {}),
    /SoftmaxCrossEntropyGrad: dy must be \[rows\] = \[2\], got logits \[2, 3\], labels \[2, 3\], dy \[3\]/);
  assert.throws(() => softmaxCrossEntropy({ logits: z, labels: t([1, 0, 0, 0, 1, 0], [2, 3], 'int32') }, {}),
    /SoftmaxCrossEntropy: labels must be float32, got int32/);
});
