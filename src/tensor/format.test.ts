/**
 * Tensors print like PyTorch's repr (the expected strings are what torch 2.x prints for the same
 * values, with `dtype=torch.int32` written `dtype=int32`), in toString(), print(), console.log
 * and util.inspect; a released tensor prints that it was released.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import '../backend/engine.js';
import { scalar, tensor, zeros } from '../ops/create.js';
import { mul } from '../ops/binary.js';

const range = (n: number, shape: number[], dtype: 'float32' | 'int32' = 'float32') =>
  tensor(dtype === 'int32' ? Int32Array.from({ length: n }, (_, i) => i) : Float32Array.from({ length: n }, (_, i) => i), shape, dtype);

describe('tensor printing (PyTorch repr)', () => {
  it('small float tensors: whole numbers end in ".", rows on their own lines', () => {
    assert.equal(String(tensor([[1, 2], [3, 4]])), 'tensor([[1., 2.],\n        [3., 4.]])');
    assert.equal(String(tensor([0.1, 2.5, -3])), 'tensor([ 0.1000,  2.5000, -3.0000])');
    assert.equal(String(scalar(3.5)), 'tensor(3.5000)');
    assert.equal(String(tensor([NaN, 1, -Infinity])), 'tensor([nan, 1., -inf])');
    assert.equal(String(zeros([3])), 'tensor([0., 0., 0.])');
    assert.equal(String(tensor([-0, 1])), 'tensor([-0., 1.])');
  });

  it('3-d tensors separate blocks with a blank line', () => {
    assert.equal(
      String(range(12, [2, 2, 3])),
      'tensor([[[ 0.,  1.,  2.],\n         [ 3.,  4.,  5.]],\n\n        [[ 6.,  7.,  8.],\n         [ 9., 10., 11.]]])',
    );
  });

  it('scientific notation when magnitudes span more than 1000x or go below 1e-4', () => {
    assert.equal(String(tensor([1e-5, 1, 1000])), 'tensor([1.0000e-05, 1.0000e+00, 1.0000e+03])');
    assert.equal(String(tensor([0.00001, 0.5])), 'tensor([1.0000e-05, 5.0000e-01])');
  });

  it('int32 tensors name their dtype', () => {
    assert.equal(String(tensor([1, 2, 3], [3], 'int32')), 'tensor([1, 2, 3], dtype=int32)');
    assert.equal(String(tensor([[-1, 20]], [1, 2], 'int32')), 'tensor([[-1, 20]], dtype=int32)');
  });

  it('more than 1000 elements: first and last 3 per dim with "...", rows wrapped at 80 columns', () => {
    assert.equal(String(range(2000, [2000], 'int32')), 'tensor([   0,    1,    2,  ..., 1997, 1998, 1999], dtype=int32)');
    assert.equal(
      String(range(2000, [2, 1000])),
      'tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 9.9700e+02, 9.9800e+02,\n' +
        '         9.9900e+02],\n' +
        '        [1.0000e+03, 1.0010e+03, 1.0020e+03,  ..., 1.9970e+03, 1.9980e+03,\n' +
        '         1.9990e+03]])',
    );
    const big = String(range(10 * 10 * 20, [10, 10, 20], 'int32'));
    const lines = big.split('\n');
    assert.equal(lines[0], 'tensor([[[   0,    1,    2,  ...,   17,   18,   19],');
    assert.ok(lines.includes('        ...,'), big);
    assert.equal(lines[lines.length - 1], '         [1980, 1981, 1982,  ..., 1997, 1998, 1999]]], dtype=int32)');
    assert.equal(lines.length, 49, 'six 7-line blocks (6 rows and "..."), the "..." block, blank lines between');
  });

  it('long rows of up to 1000 elements wrap with aligned entries', () => {
    const text = String(tensor(Float32Array.from({ length: 20 }, (_, i) => i * 0.5)));
    assert.equal(
      text,
      'tensor([0.0000, 0.5000, 1.0000, 1.5000, 2.0000, 2.5000, 3.0000, 3.5000, 4.0000,\n' +
        '        4.5000, 5.0000, 5.5000, 6.0000, 6.5000, 7.0000, 7.5000, 8.0000, 8.5000,\n' +
        '        9.0000, 9.5000])',
    );
  });

  it('empty tensors, and the gradient suffixes', () => {
    assert.equal(String(zeros([0])), 'tensor([])');
    assert.equal(String(zeros([2, 0])), 'tensor([], shape=[2, 0])');
    const w = tensor([1, 2]);
    w.requiresGrad = true;
    assert.equal(String(w), 'tensor([1., 2.], requiresGrad=true)');
    assert.equal(String(mul(w, 2)), 'tensor([2., 4.], gradFn=<mul>)');
  });

  it('print(), console.log and util.inspect show the same text', () => {
    const t = tensor([[1, 2], [3, 4]]);
    assert.equal(inspect(t), t.toString());
    const logged: unknown[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => logged.push(...args);
    try {
      t.print();
    } finally {
      console.log = original;
    }
    assert.deepEqual(logged, [t.toString()]);
  });

  it('a released tensor prints that it was released instead of throwing', () => {
    const t = tensor([1, 2, 3]);
    t[Symbol.dispose]();
    assert.equal(String(t), 'tensor(<released>, shape=[3], dtype=float32)');
    assert.equal(inspect(t), 'tensor(<released>, shape=[3], dtype=float32)');
    assert.throws(() => t.dataSync(), /Tensor\(shape=\[3\], dtype=float32\) was released/);
  });
});
