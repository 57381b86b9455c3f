/**
 * F.logSoftmax's value is computed when first read (ops/lazy.ts): PyTorch's nllLoss(logSoftmax(z))
 * training idiom never computes it (the loss starts from the logits), and a read at any later time
 * gives the values and gradients of the eager op (one LogSoftmax kernel); inside a step scope it is
 * computed at once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backward, gradients } from '../src/autograd/backward.js';
import { kernelCalls } from '../src/backend/kernel-calls.js';
import * as nn from '../src/nn/index.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import { withScope } from '../src/tensor/scope.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { noGrad } from '../src/autograd/grad-mode.js';
import { assertClose } from './fusion-test-util.js';

const F = nn.F;

function logits(seed: number) {
  const rng = new Random(seed);
  const z = ops.tensor(Float32Array.from({ length: 4 * 5 }, () => 3 * rng.normal()), [4, 5]);
  z.requiresGrad = true;
  return z;
}

/** The composed log-softmax, op by op (six roundings to float32; the LogSoftmax kernel rounds once). */
function eagerLogSoftmax(z: Tensor) {
  const shifted = ops.sub(z, noGrad(() => ops.max(z, 1, true)));
  return ops.sub(shifted, ops.log(ops.sum(ops.exp(shifted), 1, true)));
}

describe('lazy F.logSoftmax', () => {
  it('a training step with nllLoss never computes it', () => {
    const z = logits(1);
    const target = ops.tensor(Int32Array.from([0, 3, 1, 4]), [4], 'int32');
    const calls = kernelCalls(() => backward(F.nllLoss(F.logSoftmax(z, 1), target)));
    const all = JSON.stringify([...calls]);
    assert.equal(calls.get('Unary') ?? 0, 0, `kernels: ${all}`);
    assert.equal(calls.get('SparseSoftmaxCrossEntropy'), 1, `kernels: ${all}`);
    assert.ok(z.grad !== null);
  });

  it('read before or after backward: the eager values, and its gradient', () => {
    const z = logits(2);
    const y = F.logSoftmax(z, 1);
    const w = ops.tensor(Float32Array.from({ length: 20 }, (_, i) => (i % 7) - 3), [4, 5]);
    const [g] = gradients(ops.sum(ops.mul(y, w)), [z]);
    const [gEager] = gradients(ops.sum(ops.mul(eagerLogSoftmax(z), w)), [z]);
    assertClose(g!, gEager!, 1e-5, 'gradient');
    const eager = eagerLogSoftmax(z);
    assertClose(y, eager, 1e-6, 'values');
    assert.deepEqual(Array.from(y.dataSync()), Array.from(ops.logSoftmax(z.detach(), 1).dataSync()), 'the eager op');

    const late = F.logSoftmax(z, 1);
    backward(F.nllLoss(late, ops.tensor(Int32Array.from([1, 1, 0, 2]), [4], 'int32')));
    assert.deepEqual(Array.from(late.dataSync()), Array.from(y.dataSync()));
  });

  it('inside a step scope it is computed at once (the scope may release its input)', () => {
    const z = logits(3);
    const calls = kernelCalls(() => withScope(() => { F.logSoftmax(z, 1); }));
    assert.equal(calls.get('LogSoftmax'), 1, `kernels: ${JSON.stringify([...calls])}`);
  });
});
