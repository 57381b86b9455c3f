import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { UnaryOp } from '../kernels.js';
import { erf, erfc } from './erf.js';
import { assertClose, assertTensor, tensor, values } from './kernel-test-util.js';
import { unary } from './Unary.js';

const run = (op: UnaryOp, xs: number[], alpha = 0) => values(unary({ x: tensor(xs, [xs.length]) }, { op, alpha }));

test('Unary: math ops on hand-computed values', () => {
  assert.deepEqual(run('neg', [1, -2, 0]), [-1, 2, -0]);
  assert.deepEqual(run('abs', [-1.5, 2]), [1.5, 2]);
  assert.deepEqual(run('square', [-3, 0.5]), [9, 0.25]);
  assert.deepEqual(run('sign', [-3, 0, 2]), [-1, 0, 1]);
  assert.deepEqual(run('reciprocal', [4, -0.5]), [0.25, -2]);
  assert.deepEqual(run('sqrt', [9, 0.25]), [3, 0.5]);
  assertClose(run('exp', [0, 1]), [1, Math.E]);
  assertClose(run('log', [1, Math.E]), [0, 1]);
  assertClose(run('sin', [0, Math.PI / 2]), [0, 1]);
  assertClose(run('cos', [0, Math.PI]), [1, -1]);
});

test('erf/erfc: known values to 1e-12 and symmetry', () => {
  // Values from tables of the error function (Abramowitz & Stegun 7.1).
  const known: [number, number][] = [[0.1, 0.1124629160182849], [0.5, 0.5204998778130465], [1, 0.8427007929497149],
    [2, 0.9953222650189527], [2.9, 0.9999589021219005], [3.5, 0.9999992569016276]];
  for (const [x, e] of known) {
    assert.ok(Math.abs(erf(x) - e) < 1e-12, `erf(${x}) = ${erf(x)}`);
    assert.ok(Math.abs(erf(-x) + e) < 1e-12, `erf(-${x})`);
  }
  assert.equal(erf(0), 0);
  assert.equal(erf(40), 1);
  // The tail keeps relative precision (1 - erf would lose it), on both sides of the method switch.
  const tail: [number, number][] = [[2.4, 6.885138966450789e-4], [2.5, 4.069520174449589e-4], [2.6, 2.3603441652934908e-4],
    [3, 2.2090496998585438e-5], [4, 1.541725790028002e-8], [5, 1.5374597944280351e-12]];
  for (const [x, e] of tail) assert.ok(Math.abs(erfc(x) / e - 1) < 1e-10, `erfc(${x}) = ${erfc(x)}`);
  assert.ok(Math.abs(erfc(-1) - 1.8427007929497148) < 1e-14);
  assertClose(run('erf', [0.5, -1]), [0.5204998778130465, -0.8427007929497149]);
});

test('Unary: activations on hand-computed values', () => {
  assert.deepEqual(run('relu', [-1, 0, 2.5]), [0, 0, 2.5]);
  assert.deepEqual(run('relu6', [-1, 3, 7]), [0, 3, 6]);
  assertClose(run('leakyRelu', [-2, 3], 0.1), [-0.2, 3]);
  assertClose(run('elu', [-1, 2], 0.5), [0.5 * (Math.exp(-1) - 1), 2]);
  assertClose(run('selu', [1, -1]), [1.0507009873554805, 1.0507009873554805 * 1.6732632423543772 * (Math.exp(-1) - 1)]);
  assertClose(run('gelu', [1, -1, 0]), [0.8413447460685429, -0.15865525393145707, 0]);
  assertClose(run('sigmoid', [0, 2]), [0.5, 1 / (1 + Math.exp(-2))]);
  assert.deepEqual(run('hardSigmoid', [-4, -3, 0, 1.5, 4]), [0, 0, 0.5, 0.75, 1]);
  assertClose(run('softplus', [0, 1]), [Math.LN2, Math.log(1 + Math.E)]);
  assertClose(run('softsign', [3, -1]), [0.75, -0.5]);
  assertClose(run('swish', [1]), [1 / (1 + Math.exp(-1))]);
  assertClose(run('mish', [1]), [Math.tanh(Math.log(1 + Math.E))]);
  assertClose(run('sinc', [0, Math.PI / 2, 1e-30]), [1, 2 / Math.PI, 1]);
  assert.deepEqual(run('step', [-1, 0, 1e-6]), [0, 0, 1]);
  assertClose(run('logSigmoid', [0]), [-Math.LN2]);
});

test('Unary: stable for large |x| (no NaN/Inf from exp overflow)', () => {
  const big = [-1000, -100, 100, 1000];
  assert.deepEqual(run('sigmoid', big), [0, Math.fround(1 / (1 + Math.exp(100))), 1, 1]);
  assert.deepEqual(run('softplus', big).slice(2), [100, 1000]);
  assert.deepEqual(run('logSigmoid', big).slice(0, 2), [-1000, -100]);
  for (const op of ['sigmoid', 'softplus', 'logSigmoid', 'swish', 'mish', 'gelu', 'elu', 'selu', 'tanh', 'softsign'] as UnaryOp[]) {
    assert.ok(run(op, big, 1).every(Number.isFinite), `${op} at large |x|`);
  }
  assert.deepEqual(run('mish', [1000]), [1000]);
  assert.deepEqual(run('gelu', [1000, -1000]), [1000, -0]);
});

test('Unary: int32 stays int32 for integer-valued ops, others give float32', () => {
  const x = tensor([-3, 0, 4], [3], 'int32');
  assertTensor(unary({ x }, { op: 'neg', alpha: 0 }), [3], [3, 0, -4], 'int32');
  assertTensor(unary({ x }, { op: 'abs', alpha: 0 }), [3], [3, 0, 4], 'int32');
  assertTensor(unary({ x }, { op: 'square', alpha: 0 }), [3], [9, 0, 16], 'int32');
  assertTensor(unary({ x }, { op: 'relu', alpha: 0 }), [3], [0, 0, 4], 'int32');
  assertTensor(unary({ x }, { op: 'sign', alpha: 0 }), [3], [-1, 0, 1], 'int32');
  assertTensor(unary({ x }, { op: 'step', alpha: 0 }), [3], [0, 0, 1], 'float32');
  assert.equal(unary({ x: tensor([2], [], 'int32') }, { op: 'exp', alpha: 0 }).dtype, 'float32');
});

test('Unary: rank 0 and shape preserved; unknown op throws', () => {
  assertTensor(unary({ x: tensor([-2], []) }, { op: 'relu', alpha: 0 }), [], [0]);
  assert.deepEqual(unary({ x: tensor([1, 2, 3, 4, 5, 6], [2, 1, 3]) }, { op: 'neg', alpha: 0 }).shape, [2, 1, 3]);
  assert.throws(() => unary({ x: tensor([1], [1]) }, { op: 'nope' as UnaryOp, alpha: 0 }), /Unary: unknown unary op 'nope'/);
});
