import { test } from 'node:test';
import assert from 'node:assert/strict';
import { referenceCases } from '../../testing/reference-test-util.js';
import { assertClose, tensor, values } from './kernel-test-util.js';
import { matMul } from './MatMul.js';

const plain = { transposeA: false, transposeB: false, activation: 'linear' as const };

test('MatMul: every PyTorch dense reference case, y = x@w + b, dx = dy@wT, dw = xT@dy', () => {
  const cases = referenceCases('dense');
  assert.equal(cases.length, 10);
  cases.forEach((c, idx) => {
    const [m, k] = c.x_shape;
    const n = c.w_shape[1];
    const x = tensor(c.x, [m, k]);
    const w = tensor(c.w, [k, n]);
    const dy = tensor(c.dy, [m, n]);
    const y = matMul({ a: x, b: w, bias: tensor(c.b, [n]) }, plain);
    assert.deepEqual(y.shape, [m, n]);
    assertClose(values(y), c.y, 1e-4, 1e-5, `dense ${idx} y`);
    assertClose(values(matMul({ a: dy, b: w }, { ...plain, transposeB: true })), c.dx, 1e-4, 1e-5, `dense ${idx} dx`);
    assertClose(values(matMul({ a: x, b: dy }, { ...plain, transposeA: true })), c.dw, 1e-4, 1e-5, `dense ${idx} dw`);
    const db = new Array<number>(n).fill(0);
    c.dy.forEach((v, i) => (db[i % n] += v));
    assertClose(db, c.db, 1e-4, 1e-5, `dense ${idx} db`);
  });
});

test('MatMul: rank 3 with transposes, bias and relu', () => {
  // Batch 0: [[1,2],[3,4]] @ [[1,0],[0,1]]; batch 1: [[1,1],[0,1]] @ [[2,3],[4,5]].
  const a = tensor([1, 2, 3, 4, 1, 1, 0, 1], [2, 2, 2]);
  const b = tensor([1, 0, 0, 1, 2, 3, 4, 5], [2, 2, 2]);
  assert.deepEqual(values(matMul({ a, b }, plain)), [1, 2, 3, 4, 6, 8, 4, 5]);
  // aT: batch 0 [[1,3],[2,4]], batch 1 [[1,0],[1,1]].
  assert.deepEqual(values(matMul({ a, b }, { ...plain, transposeA: true })), [1, 3, 2, 4, 2, 3, 6, 8]);
  // bT: batch 1 [[2,4],[3,5]].
  assert.deepEqual(values(matMul({ a, b }, { ...plain, transposeB: true })), [1, 2, 3, 4, 5, 9, 3, 5]);
  const bias = tensor([-3, -100], [2]);
  const y = matMul({ a, b, bias }, { ...plain, activation: 'relu' });
  assert.deepEqual(y.shape, [2, 2, 2]);
  assert.deepEqual(values(y), [0, 0, 0, 0, 3, 0, 1, 0]);
});

test('MatMul: bad shapes throw naming MatMul and both shapes', () => {
  const a = tensor(new Array(6).fill(0), [2, 3]);
  assert.throws(() => matMul({ a, b: tensor(new Array(8).fill(0), [4, 2]) }, plain),
    /MatMul: inner dimensions 3 and 4 do not match: a \[2, 3\] \(transposeA=false\) and b \[4, 2\] \(transposeB=false\)/);
  assert.throws(() => matMul({ a, b: tensor(new Array(6).fill(0), [1, 3, 2]) }, plain), /MatMul: expected two rank-2 or two rank-3 .*a \[2, 3\].*b \[1, 3, 2\]/);
  assert.throws(() => matMul({ a: tensor(new Array(12).fill(0), [2, 2, 3]), b: tensor(new Array(18).fill(0), [3, 3, 2]) }, plain), /MatMul: batch sizes differ/);
  assert.throws(() => matMul({ a, b: tensor(new Array(6).fill(0), [3, 2]), bias: tensor([1, 2, 3], [3]) }, plain), /MatMul: expected bias of shape \[2\]/);
});
