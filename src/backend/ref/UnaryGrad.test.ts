import { test } from 'node:test';
import assert from 'node:assert/strict';
import { referenceCases } from '../../testing/reference-test-util.js';
import type { UnaryOp } from '../kernels.js';
import { assertClose, tensor, values } from './kernel-test-util.js';
import { unary } from './Unary.js';
import { unaryGrad } from './UnaryGrad.js';
import { UNARY_DEFS } from './unary-math.js';

const ALL_OPS = Object.keys(UNARY_DEFS) as UnaryOp[];
const POSITIVE_DOMAIN = new Set<UnaryOp>(['log', 'sqrt', 'reciprocal']);
const ALPHA: Partial<Record<UnaryOp, number>> = { leakyRelu: 0.2, elu: 1.3 };
// Away from every kink (0 for relu/abs/step/sign, 6 for relu6, +-3 for hardSigmoid).
const POINTS = [-4.1, -2.7, -1.3, -0.55, -0.05, 0.35, 0.8, 1.7, 2.45, 4.6, 6.7];
const POSITIVE_POINTS = [0.5, 0.9, 1.7, 2.45, 4.2];

const grad = (op: UnaryOp, xs: number[], dys: number[], alpha = ALPHA[op] ?? 0) =>
  values(unaryGrad({ x: tensor(xs, [xs.length]), dy: tensor(dys, [dys.length]) }, { op, alpha }));

test('UnaryGrad: central differences of the Unary kernel match for every op', () => {
  for (const op of ALL_OPS) {
    const alpha = ALPHA[op] ?? 0;
    const xs = POSITIVE_DOMAIN.has(op) ? POSITIVE_POINTS : POINTS;
    const h = 1e-2;
    // Differences of the float32 kernel, divided by the float32 step that was actually taken.
    const lo = xs.map((x) => Math.fround(x - h));
    const hi = xs.map((x) => Math.fround(x + h));
    const fLo = values(unary({ x: tensor(lo, [xs.length]) }, { op, alpha }));
    const fHi = values(unary({ x: tensor(hi, [xs.length]) }, { op, alpha }));
    const numeric = xs.map((_, i) => (fHi[i] - fLo[i]) / (hi[i] - lo[i]));
    const analytic = grad(op, xs, xs.map(() => 1));
    assertClose(analytic, numeric, 1e-3, 2e-4, `d${op}/dx (kernel)`);
  }
});

test('UnaryGrad: float64 central differences of the definitions match tightly', () => {
  for (const op of ALL_OPS) {
    const { f, df } = UNARY_DEFS[op];
    const alpha = ALPHA[op] ?? 0;
    const xs = POSITIVE_DOMAIN.has(op) ? POSITIVE_POINTS : POINTS;
    const h = 1e-5;
    const numeric = xs.map((x) => (f(x + h, alpha) - f(x - h, alpha)) / (2 * h));
    assertClose(xs.map((x) => df(x, alpha)), numeric, 1e-6, 1e-8, `d${op}/dx (float64)`);
  }
});

test('UnaryGrad: dy scales the result; kinks and flat ops give 0', () => {
  assertClose(grad('square', [3, -1], [2, 0.5]), [12, -1]);
  assert.deepEqual(grad('relu', [0, -1, 2], [1, 1, 1]), [0, 0, 1]);
  assert.deepEqual(grad('abs', [0, -1, 2], [1, 1, 1]), [0, -1, 1]);
  assert.deepEqual(grad('relu6', [0, 3, 6, 7], [1, 1, 1, 1]), [0, 1, 0, 0]);
  assert.deepEqual(grad('sinc', [0], [1]), [0]);
  assert.deepEqual(grad('step', [-1, 0, 1], [5, 5, 5]), [0, 0, 0]);
  assert.deepEqual(grad('sign', [-1, 0, 1], [5, 5, 5]), [0, 0, 0]);
  assertClose(grad('hardSigmoid', [-4, 0, 4], [1, 1, 1]), [0, 1 / 6, 0]);
  assertClose(grad('leakyRelu', [-1, 1], [1, 1], 0.3), [0.3, 1]);
  // Near zero sinc' uses its series; it must join the closed form smoothly.
  assertClose(grad('sinc', [1e-4, 2e-3], [1, 1]), [-1e-4 / 3, (2e-3 * Math.cos(2e-3) - Math.sin(2e-3)) / 4e-6], 1e-5);
});

test('UnaryGrad: stable for large |x|', () => {
  const big = [-1000, -100, 100, 1000];
  for (const op of ['sigmoid', 'softplus', 'logSigmoid', 'swish', 'mish', 'gelu', 'elu', 'selu', 'tanh', 'softsign'] as UnaryOp[]) {
    assert.ok(grad(op, big, [1, 1, 1, 1], 1).every(Number.isFinite), `${op}' at large |x|`);
  }
  assertClose(grad('softplus', big, [1, 1, 1, 1]), [0, 0, 1, 1], 0, 1e-30);
  assertClose(grad('logSigmoid', big, [1, 1, 1, 1]), [1, 1, 0, 0], 0, 1e-30);
});

test('UnaryGrad: shape mismatch throws naming both shapes', () => {
  assert.throws(
    () => unaryGrad({ x: tensor([1, 2], [2]), dy: tensor([1, 2], [1, 2]) }, { op: 'relu', alpha: 0 }),
    /UnaryGrad\(relu\).*\[2\].*\[1, 2\]/,
  );
});

// --- PyTorch reference vectors (float64, inputs pre-rounded to float32) ---

const REFERENCE_OPS: Record<string, [UnaryOp, number]> = {
  relu: ['relu', 0], 'leaky_relu_0.01': ['leakyRelu', 0.01], 'leaky_relu_0.3': ['leakyRelu', 0.3], elu_1: ['elu', 1],
  sigmoid: ['sigmoid', 0], tanh: ['tanh', 0], softplus: ['softplus', 0], softsign: ['softsign', 0], swish: ['swish', 0],
  mish: ['mish', 0], log_sigmoid: ['logSigmoid', 0], selu: ['selu', 0], gelu: ['gelu', 0], sinc: ['sinc', 0],
};
const COMPOSED_ELSEWHERE = new Set(['softmax', 'log_softmax']);

test('Unary/UnaryGrad: match the PyTorch reference for every activation', () => {
  const cases = referenceCases('activation').filter((c) => !COMPOSED_ELSEWHERE.has(c.name));
  assert.deepEqual(cases.map((c) => c.name).sort(), Object.keys(REFERENCE_OPS).sort(), 'reference covers the mapped activations');
  for (const c of cases) {
    const [op, alpha] = REFERENCE_OPS[c.name];
    const x = tensor(c.x, [c.x.length]);
    assertClose(values(unary({ x }, { op, alpha })), c.y, 1e-4, 1e-5, `${c.name} y`);
    const dx = unaryGrad({ x, dy: tensor(c.dy, [c.dy.length]) }, { op, alpha });
    assertClose(values(dx), c.dx, 1e-4, 1e-5, `${c.name} dx`);
  }
});
