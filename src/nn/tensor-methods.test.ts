/**
 * The PyTorch-style Tensor methods against what PyTorch gives for the same calls (values and
 * shapes written out from torch 2.x semantics), and PyTorch's two backward() errors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import '../backend/engine.js';
import { backward } from '../autograd/backward.js';
import { noGrad } from '../autograd/grad-mode.js';
import { argMax, argmax, argmin } from '../ops/reduce.js';
import { tensor } from '../ops/create.js';
import type { Tensor } from '../tensor/tensor.js';
import './tensor-methods.js';

const values = (t: Tensor) => Array.from(t.dataSync());
// x = torch.tensor([[1., 5., 3.], [7., 2., 7.]])
const x = () => tensor([[1, 5, 3], [7, 2, 7]]);
// a 2x3x4 tensor 0..23
const cube = () => tensor(Float32Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);

describe('shape methods follow PyTorch', () => {
  it('view / reshape take dims or one list, with one -1', () => {
    assert.deepEqual(cube().view(6, -1).shape, [6, 4]);
    assert.deepEqual(cube().reshape([4, 6]).shape, [4, 6]);
    assert.deepEqual(cube().view(-1).shape, [24]);
  });

  it('flatten(startDim, endDim) merges a range, all dims by default', () => {
    assert.deepEqual(cube().flatten().shape, [24]);
    assert.deepEqual(cube().flatten(1).shape, [2, 12]);
    assert.deepEqual(cube().flatten(0, 1).shape, [6, 4]);
    assert.deepEqual(cube().flatten(-2, -1).shape, [2, 12]);
    assert.deepEqual(tensor(Float32Array.of(3), []).flatten().shape, [1]);
    assert.throws(() => cube().flatten(2, 1), /flatten: startDim 2 comes after endDim 1/);
  });

  it('permute and transpose(dim0, dim1)', () => {
    const p = cube().permute(2, 0, 1);
    assert.deepEqual(p.shape, [4, 2, 3]);
    // torch.arange(24.).view(2, 3, 4).permute(2, 0, 1)[1] = [[1, 5, 9], [13, 17, 21]]
    assert.deepEqual(values(p.select(0, 1)), [1, 5, 9, 13, 17, 21]);
    assert.deepEqual(cube().permute([0, 2, 1]).shape, [2, 4, 3]);
    assert.deepEqual(cube().transpose(0, 2).shape, [4, 3, 2]);
    assert.deepEqual(values(x().transpose(0, 1)), [1, 7, 5, 2, 3, 7]);
    assert.throws(() => cube().permute(0, 0, 1), /permute: expected a permutation of the 3 dims of a tensor of shape \[2, 3, 4\], got \[0, 0, 1\]/);
  });

  it('squeeze drops size-1 dims (a named dim of another size is kept); unsqueeze inserts one', () => {
    const t = tensor(Float32Array.of(1, 2, 3), [1, 3, 1]);
    assert.deepEqual(t.squeeze().shape, [3]);
    assert.deepEqual(t.squeeze(0).shape, [3, 1]);
    assert.deepEqual(t.squeeze(-1).shape, [1, 3]);
    assert.deepEqual(t.squeeze(1).shape, [1, 3, 1]);
    assert.deepEqual(t.squeeze([0, 2]).shape, [3]);
    assert.deepEqual(x().unsqueeze(0).shape, [1, 2, 3]);
    assert.deepEqual(x().unsqueeze(-1).shape, [2, 3, 1]);
    assert.deepEqual(x().unsqueeze(2).shape, [2, 3, 1]);
    assert.throws(() => x().unsqueeze(3), /unsqueeze: dim 3 is out of range for a tensor of shape \[2, 3\] \(expected an integer in \[-3, 2\]\)/);
  });

  it('select(dim, i) is x[i] along dim; narrow(dim, start, length) is a slice', () => {
    assert.deepEqual(values(x().select(0, 1)), [7, 2, 7]);
    assert.deepEqual(x().select(0, -1).shape, [3]);
    assert.deepEqual(values(x().select(1, 2)), [3, 7]);
    assert.deepEqual(values(cube().narrow(2, 1, 2)), [1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22]);
    assert.deepEqual(cube().narrow(0, -1, 1).shape, [1, 3, 4]);
    assert.throws(() => x().select(0, 2), /select: index 2 is out of range for dim 0 of size 2 \(shape \[2, 3\]\)/);
    assert.throws(() => x().narrow(1, 2, 2), /narrow: start 2 and length 2 do not fit dim 1 of size 3/);
  });
});

describe('reductions follow PyTorch', () => {
  it('max()/min() without dim give a 0-d tensor', () => {
    assert.deepEqual(x().max().shape, []);
    assert.equal(x().max().item(), 7);
    assert.equal(x().min().item(), 1);
  });

  it('max(dim) / min(dim) give values and indices, by name or destructured; keepdim keeps the dim', () => {
    const m = x().max(1);
    assert.deepEqual(values(m.values), [5, 7]);
    assert.deepEqual(values(m.indices), [1, 0]); // first index on the tie 7, 7
    assert.equal(m.indices.dtype, 'int32');
    const [v, i] = x().min(0, true);
    assert.deepEqual(v.shape, [1, 3]);
    assert.deepEqual(i.shape, [1, 3]);
    assert.deepEqual(values(v), [1, 2, 3]);
    assert.deepEqual(values(i), [0, 1, 0]);
    assert.deepEqual(cube().max(-1, true).values.shape, [2, 3, 1]);
    assert.deepEqual(values(cube().max(1).values), [8, 9, 10, 11, 20, 21, 22, 23]);
  });

  it('max(other) / min(other) are elementwise', () => {
    assert.deepEqual(values(x().max(tensor([4, 4, 4]))), [4, 5, 4, 7, 4, 7]);
    assert.deepEqual(values(x().min(tensor([4, 4, 4]))), [1, 4, 3, 4, 2, 4]);
  });

  it('argmax/argmin: flattened without dim, keepdim shapes, first index on ties', () => {
    assert.equal(x().argmax().item(), 3);
    assert.deepEqual(x().argmax().shape, []);
    assert.equal(x().argmin().item(), 0);
    assert.deepEqual(values(x().argmax(1)), [1, 0]);
    assert.deepEqual(x().argmax(1, true).shape, [2, 1]);
    assert.deepEqual(values(x().argmin(0)), [0, 1, 0]);
    assert.deepEqual(x().argmin(0, true).shape, [1, 3]);
    assert.deepEqual(values(tensor([[3, 1, 1]], [1, 3], 'int32').argmin(1)), [1]);
  });

  it('sum/mean with dim lists and keepdim', () => {
    assert.deepEqual(cube().sum(1, true).shape, [2, 1, 4]);
    assert.deepEqual(cube().sum([0, 2]).shape, [3]);
    assert.deepEqual(values(cube().sum([0, 2])), [60, 92, 124]);
    assert.deepEqual(cube().mean(-1, true).shape, [2, 3, 1]);
    assert.equal(cube().mean().item(), 11.5);
  });

  it('the functional argmax is the one name; argMax stays as a deprecated alias with its old default', () => {
    assert.equal(argmax(x()).item(), 3);
    assert.deepEqual(values(argmax(x(), -1)), [1, 0]);
    assert.deepEqual(values(argMax(x())), [1, 0]);
    assert.deepEqual(values(argmin(x(), 1)), [0, 1]);
  });
});

describe('element methods follow PyTorch', () => {
  it('eq compares elementwise (float32 1/0), across int32 and float32', () => {
    assert.deepEqual(values(x().eq(7)), [0, 0, 0, 1, 0, 1]);
    const predicted = x().argmax(1);
    assert.equal(predicted.eq(tensor([1, 1], [2], 'int32')).sum().item(), 1);
    assert.deepEqual(values(predicted.eq(tensor([1, 0]))), [1, 1]);
    assert.deepEqual(values(tensor([2], [1], 'int32').eq(2.5)), [0]);
  });

  it('float, int, item, numel, dim, tolist', () => {
    const i = tensor([1, 2], [2], 'int32');
    assert.equal(i.float().dtype, 'float32');
    assert.deepEqual(values(tensor([1.7, -1.7]).int()), [1, -1]);
    assert.equal(x().numel(), 6);
    assert.equal(cube().dim(), 3);
    assert.equal(x().max().item(), 7);
    assert.deepEqual(x().tolist(), [[1, 5, 3], [7, 2, 7]]);
  });

  it('detach cuts the graph; clone copies and keeps it', () => {
    const w = tensor([1, 2, 3]);
    w.requiresGrad = true;
    const d = w.mul(2).detach();
    assert.equal(d.needsGrad, false);
    assert.deepEqual(values(d), [2, 4, 6]);
    const c = w.clone();
    assert.notEqual(c.storage, w.storage);
    c.mul(c).sum().backward();
    assert.deepEqual(values(w.grad!), [2, 4, 6]);
  });
});

describe('backward() errors as PyTorch does', () => {
  const leaf = () => {
    const w = tensor([1, 2, 3]);
    w.requiresGrad = true;
    return w;
  };

  it('refuses an implicit gradient for a non-scalar, accepts an explicit one', () => {
    const w = leaf();
    const y = w.mul(2);
    assert.throws(() => y.backward(), /backward: grad can be implicitly created only for scalar outputs; this tensor has shape \[3\]/);
    assert.throws(() => backward(y), /grad can be implicitly created only for scalar outputs/);
    y.backward(tensor([1, 0, 1]));
    assert.deepEqual(values(w.grad!), [2, 0, 2]);
  });

  it('a one-element result needs no gradient, whatever its rank', () => {
    const w = leaf();
    w.mul(2).sum(0, true).backward();
    assert.deepEqual(values(w.grad!), [2, 2, 2]);
  });

  it('a second backward through a freed graph throws; retainGraph keeps it', () => {
    const w = leaf();
    const loss = w.mul(w).sum();
    loss.backward();
    assert.throws(() => loss.backward(), /Trying to backward through the graph a second time.*retainGraph: true/);
    // A new graph that reaches a freed result fails the same way, as in PyTorch.
    const h = w.mul(3);
    h.sum().backward();
    assert.throws(() => h.mul(w).sum().backward(), /Trying to backward through the graph a second time/);

    const v = leaf();
    const kept = v.mul(v).sum();
    kept.backward({ retainGraph: true });
    kept.backward();
    assert.deepEqual(values(v.grad!), [4, 8, 12]);
    assert.throws(() => kept.backward(), /a second time/);
  });

  it('a tensor without a graph says so', () => {
    const w = leaf();
    const y = noGrad(() => w.mul(2).sum());
    assert.throws(() => y.backward(), /backward: the tensor \(shape \[\]\) does not require grad and has no recorded graph/);
  });
});
