import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import '../../backend/engine.js';
import { tensor } from '../../ops/create.js';
import { assertClose } from '../../testing/assert-close.js';
import '../tensor-methods.js';
import { Parameter } from '../parameter.js';
import { Adam, RMSprop, SGD } from './index.js';

/** Runs `steps` steps on loss = sum(c * p), whose gradient is the constant c. */
function run(make: (p: Parameter) => { zeroGrad(): void; step(): void }, steps: number, c = [0.5, -2]): number[] {
  const p = new Parameter(tensor([1, 1]));
  const opt = make(p);
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    p.mul(tensor(c)).sum().backward();
    opt.step();
  }
  return Array.from(p.dataSync());
}

describe('nn.optim (PyTorch formulas and defaults)', () => {
  it('SGD: plain, momentum (buffer starts at the gradient) and Nesterov', () => {
    assertClose(run((p) => new SGD([p], { lr: 0.1 }), 2), [1 - 0.1, 1 + 0.4]);
    // Buffers 1, 1.9, 2.71 times the gradient.
    assertClose(run((p) => new SGD([p], { lr: 0.1, momentum: 0.9 }), 3), [1 - 0.1 * 5.61 * 0.5, 1 + 0.1 * 5.61 * 2]);
    // Steps g + 0.9 b: 1.9 then 2.71 times the gradient.
    assertClose(run((p) => new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true }), 2), [1 - 0.1 * 4.61 * 0.5, 1 + 0.1 * 4.61 * 2]);
    assertClose(run((p) => new SGD([p], { lr: 0.1, weightDecay: 1 }), 1, [0, 0]), [0.9, 0.9]);
    assert.throws(() => new SGD([new Parameter(tensor([1]))], {} as never), /SGD: lr is required/);
    assert.throws(() => new SGD([new Parameter(tensor([1]))], { lr: -1 }), /SGD: lr must be a number >= 0, got -1/);
  });

  it('Adam: the first steps move each weight by lr (bias correction), eps 1e-8', () => {
    assertClose(run((p) => new Adam([p], { lr: 0.1 }), 1), [0.9, 1.1], { rtol: 1e-6 });
    assertClose(run((p) => new Adam([p], { lr: 0.1 }), 3), [0.7, 1.3], { rtol: 1e-5 });
  });

  it('RMSprop: alpha 0.99 makes the first step 10 * lr, eps added after the square root', () => {
    assertClose(run((p) => new RMSprop([p]), 1), [1 - 0.1, 1 + 0.1], { rtol: 1e-6 });
  });

  it('zeroGrad sets .grad to null and step skips parameters without a gradient', () => {
    const a = new Parameter(tensor([1]));
    const b = new Parameter(tensor([1]));
    const opt = new SGD([a, b], { lr: 1 });
    a.mul(3).sum().backward();
    opt.step();
    assert.deepEqual([a.dataSync()[0], b.dataSync()[0]], [-2, 1]);
    opt.zeroGrad();
    assert.equal(a.grad, null);
  });
});
