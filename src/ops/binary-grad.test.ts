/**
 * Binary ops' gradients skip inputs that need none: ReLU's maxValue (minimum(x, 6)) or BN's
 * epsilon used to cost the full elementwise rule plus a reduction of the whole tensor to a
 * scalar on every backward pass. The gradients that are asked for keep their values.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradients } from '../autograd/backward.js';
import '../backend/engine.js';
import { kernelCalls } from '../backend/kernel-calls.js';
import { add, div, maximum, minimum, mul, pow, sub } from './binary.js';
import { tensor } from './create.js';
import { sum } from './reduce.js';
import type { Tensor } from '../tensor/tensor.js';

const OPS = { add, sub, mul, div, pow, maximum, minimum };

/** The Reduce kernels the backward of sum(op(x, c)) runs, c a constant scalar, and dx. */
function backwardWithConstant(op: (a: Tensor, b: number) => Tensor): { reduces: number; dx: number[] } {
  const x = tensor([[0.5, 1.5, 7], [6, 2, 3]]);
  x.requiresGrad = true;
  const y = sum(op(x, 6));
  let dx: Tensor | null = null;
  const calls = kernelCalls(() => {
    dx = gradients(y, [x])[0]!;
  });
  return { reduces: calls.get('Reduce') ?? 0, dx: Array.from(dx!.dataSync()) };
}

test('a constant operand gets no gradient work: no reduction to its shape', () => {
  for (const [name, op] of Object.entries(OPS)) {
    // Every op's backward reduces nothing: dx already has x's shape, and the constant needs none.
    assert.equal(backwardWithConstant(op).reduces, 0, `${name}: backward reduced a tensor for the constant operand`);
  }
});

test('the gradients asked for are unchanged', () => {
  const x = [0.5, 1.5, 7, 6, 2, 3];
  const expected: Record<keyof typeof OPS, number[]> = {
    add: x.map(() => 1),
    sub: x.map(() => 1),
    mul: x.map(() => 6),
    div: x.map(() => 1 / 6),
    pow: x.map((v) => 6 * v ** 5),
    maximum: x.map((v) => (v >= 6 ? 1 : 0)),
    minimum: x.map((v) => (v <= 6 ? 1 : 0)),
  };
  for (const [name, op] of Object.entries(OPS)) {
    const { dx } = backwardWithConstant(op);
    const want = expected[name as keyof typeof OPS];
    dx.forEach((g, i) => assert.ok(Math.abs(g - want[i]!) <= 1e-5 * Math.max(1, Math.abs(want[i]!)), `${name}: dx[${i}] = ${g}, expected ${want[i]}`));
  }
});

test('both operands still get gradients when both ask (broadcast operand reduced to its shape)', () => {
  const a = tensor([[1, 2], [3, 4]]);
  const b = tensor([2, 5]);
  a.requiresGrad = true;
  b.requiresGrad = true;
  const [ga, gb] = gradients(sum(div(a, b)), [a, b]);
  assert.deepEqual(Array.from(ga!.dataSync()), Array.from(Float32Array.of(0.5, 0.2, 0.5, 0.2)));
  const g = Array.from(gb!.dataSync());
  [-(1 + 3) / 4, -(2 + 4) / 25].forEach((want, i) => assert.ok(Math.abs(g[i]! - want) < 1e-6, `db[${i}] = ${g[i]}`));
});
