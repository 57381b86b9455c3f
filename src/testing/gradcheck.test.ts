import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noGrad } from '../autograd/grad-mode.js';
import { record } from '../autograd/record.js';
import { engine } from '../backend/engine.js';
import { createRefBackend } from '../backend/ref/ref-backend.js';
import { add, mul, square, sum, tensor } from '../ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { assertClose, errorStats } from './assert-close.js';
import { gradcheck } from './gradcheck.js';

if (!engine.backendNames().includes('ref')) engine.registerBackend('ref', createRefBackend, 1);

/** x^2 whose recorded gradient is deliberately wrong (3x instead of 2x). */
function badSquare(x: Tensor): Tensor {
  const y = noGrad(() => square(x));
  return record('badSquare', y, [x], (dy) => [mul(dy, mul(x, 3))]);
}

describe('gradcheck', () => {
  it('accepts correct gradients and reports small errors', () => {
    const r = gradcheck((a, b) => add(mul(a, b), square(a)), [tensor([[0.5, -1.2], [2, 0.3]]), tensor([1.5, -0.7])]);
    assert.equal(r.checked, 6);
    assert.ok(r.maxAbs < 1e-3, `max abs error ${r.maxAbs}`);
  });

  it('rejects a wrong gradient, naming input and element', () => {
    assert.throws(() => gradcheck(badSquare, [tensor([0.5, 1, 2])], { name: 'badSquare' }), /gradcheck badSquare: gradients disagree at input 0 element \d: analytic/);
  });

  it('rejects a wrong gradient along random directions for large inputs', () => {
    const x = tensor(Float32Array.from({ length: 300 }, (_, i) => Math.sin(i) + 0.1));
    assert.throws(() => gradcheck(badSquare, [x]), /random direction/);
    const ok = gradcheck((t) => sum(square(t)), [x]);
    assert.equal(ok.checked, 4);
  });

  it('checks only the inputs listed in wrt', () => {
    const r = gradcheck((a, b) => mul(a, b), [tensor([1, 2]), tensor([3, 4])], { wrt: [1] });
    assert.equal(r.checked, 2);
  });
});

describe('assertClose / errorStats', () => {
  it('uses an absolute floor near zero and a relative bound elsewhere', () => {
    assertClose([1e-6, 1000.05], [0, 1000], { rtol: 1e-4, atol: 1e-5 });
    assert.throws(() => assertClose([2e-5], [0], { what: 'y' }), /y: element 0 is 0\.00002, expected 0 \(abs error 2\.000e-5, tolerance 1\.000e-5/);
    assert.throws(() => assertClose([1000.2], [1000]), /element 0/);
  });

  it('treats NaN as a failure', () => {
    assert.throws(() => assertClose([NaN], [1]), /element 0 is NaN/);
    assert.equal(errorStats([1, NaN], [1, 2]).maxAbs, Infinity);
  });

  it('computes max abs and rel errors', () => {
    const s = errorStats([1.1, 2, 0.5], [1, 2, 0]);
    assert.ok(Math.abs(s.maxAbs - 0.5) < 1e-12);
    assert.ok(Math.abs(s.maxRel - 0.1) < 1e-12);
  });
});
