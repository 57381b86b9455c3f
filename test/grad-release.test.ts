/**
 * Leaf gradients Fovea made are freed when zeroGrad clears them or a later backward replaces them,
 * unless someone read `.grad` in between (then the collector frees them, as any tensor); a tensor
 * the caller gave (as dy, or assigned to `.grad`) is never freed by Fovea.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backward } from '../src/autograd/backward.js';
import { registrationCount } from '../src/tensor/reclamation.js';
import * as nn from '../src/nn/index.js';
import * as ops from '../src/ops/index.js';
import type { Tensor } from '../src/tensor/tensor.js';

function setup() {
  const w = new nn.Parameter(ops.tensor([1, -2, 3], [3]));
  const opt = new nn.optim.SGD([w], { lr: 0.1 });
  const loss = () => ops.sum(ops.mul(w, w));
  return { w, opt, loss };
}

describe('leaf gradient release', () => {
  it('zeroGrad frees a gradient nobody read', () => {
    const { w, opt, loss } = setup();
    backward(loss());
    const g = w.peekGrad()!;
    opt.zeroGrad();
    assert.equal(g.isReleased, true);
    assert.equal(w.grad, null);
  });

  it('a gradient read through .grad stays valid after zeroGrad and step', () => {
    const { w, opt, loss } = setup();
    backward(loss());
    const g = w.grad!;
    opt.step();
    opt.zeroGrad();
    assert.deepEqual(Array.from(g.dataSync()), [2, -4, 6]);
  });

  it('accumulating backward passes free the replaced partial sum, and sum correctly', () => {
    const { w, loss } = setup();
    backward(loss());
    const first = w.peekGrad()!;
    backward(loss());
    assert.equal(first.isReleased, true);
    assert.deepEqual(Array.from(w.grad!.dataSync()), [4, -8, 12]);
  });

  it('a tensor the caller gave stays theirs: dy of a leaf, and one assigned to .grad', () => {
    const x = ops.tensor([1, 2], [2]);
    x.requiresGrad = true;
    const dy = ops.tensor([5, 6], [2]);
    backward(x, dy);
    x.grad = null;
    assert.deepEqual(Array.from(dy.dataSync()), [5, 6]);

    const { w, opt } = setup();
    const mine: Tensor = ops.tensor([0.5, 0.5, 0.5], [3]);
    w.grad = mine;
    opt.step();
    opt.zeroGrad();
    assert.deepEqual(Array.from(mine.dataSync()), [0.5, 0.5, 0.5]);
  });

  it('two leaves given one gradient tensor (add passes dy to both) each own a copy: clearing one keeps the other', () => {
    const a = new nn.Parameter(ops.tensor([1, 2], [2]));
    const b = new nn.Parameter(ops.tensor([3, 4], [2]));
    backward(ops.sum(ops.add(a, b)));
    assert.notEqual(a.peekGrad(), b.peekGrad());
    a.grad = null;
    assert.deepEqual(Array.from(b.grad!.dataSync()), [1, 1]);
  });

  it('a parameter\'s own gradient needs no collector registration until user code reads it', () => {
    const { w, loss } = setup();
    const l = loss();
    const before = registrationCount();
    backward(l);
    // The loss and its graph were made outside any scope; backward itself registers nothing.
    assert.equal(registrationCount() - before, 0);
    const g = w.grad!;
    assert.equal(registrationCount() - before, 1, 'read through .grad, it is watched (one token, which covers its storage)');
    assert.deepEqual(Array.from(g.dataSync()), [2, -4, 6]);
  });
});
