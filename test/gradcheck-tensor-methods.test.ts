/**
 * Finite-difference gradient checks of the differentiable PyTorch-style Tensor methods
 * (src/nn/tensor-methods.ts). Each is built from ops with gradient rules; these check that the
 * composition routes the gradient where PyTorch's does (max(dim) to the chosen index only).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import '../src/backend/engine.js';
import '../src/nn/tensor-methods.js';
import { gradients } from '../src/autograd/backward.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { gradcheck } from '../src/testing/gradcheck.js';

/** Distinct values 0.1 apart, shuffled: no ties for max/min to break. */
function distinct(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const order = new Random(seed).permutation(n);
  return ops.tensor(Float32Array.from(order, (k) => (k - n / 2) * 0.1 + 0.03), shape);
}

const CASES: [string, (x: Tensor) => Tensor][] = [
  ['view', (x) => x.view(4, -1)],
  ['flatten(1)', (x) => x.flatten(1)],
  ['flatten(0, 1)', (x) => x.flatten(0, 1)],
  ['permute(2, 0, 1)', (x) => x.permute(2, 0, 1)],
  ['transpose(0, 2)', (x) => x.transpose(0, 2)],
  ['unsqueeze(1).squeeze()', (x) => x.unsqueeze(1).squeeze()],
  ['squeeze(dim) of a size-1 dim', (x) => x.narrow(1, 2, 1).squeeze(1)],
  ['select(1, 2)', (x) => x.select(1, 2)],
  ['select(-1, 0)', (x) => x.select(-1, 0)],
  ['narrow(2, 1, 2)', (x) => x.narrow(2, 1, 2)],
  ['max(dim).values', (x) => x.max(1).values],
  ['max(-1, keepdim).values', (x) => x.max(-1, true).values],
  ['min(0).values', (x) => x.min(0).values],
  ['max()', (x) => x.max()],
  ['max(other)', (x) => x.max(ops.tensor([0.01, -0.02, 0.04, 0.07]))],
  ['sum(dim, keepdim)', (x) => x.sum([0, 2], true)],
  ['mean(dim)', (x) => x.mean(1)],
  ['clone', (x) => x.clone().mul(x)],
];

describe('gradcheck of the PyTorch-style Tensor methods', () => {
  CASES.forEach(([name, fn], i) => {
    it(name, () => {
      const r = gradcheck(fn, [distinct([2, 3, 4], 50 + i)], { name, seed: i });
      assert.ok(r.checked > 0);
    });
  });

  it('max(dim) sends the gradient to the chosen index only on a tie, as PyTorch does', () => {
    const x = ops.tensor([[2, 5, 5], [1, 1, 0]]);
    x.requiresGrad = true;
    const [g] = gradients(x.max(1).values.sum(), [x]);
    assert.deepEqual(Array.from(g!.dataSync()), [0, 1, 0, 1, 0, 0]);
  });

  it('detach stops the gradient', () => {
    const x = ops.tensor([1, 2]);
    x.requiresGrad = true;
    const [g] = gradients(x.mul(x.detach()).sum(), [x]);
    assert.deepEqual(Array.from(g!.dataSync()), [1, 2]);
  });
});
