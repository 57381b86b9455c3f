import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nchwToNhwc } from '../../testing/layouts.js';
import { referenceCases } from '../../testing/reference-test-util.js';
import type { Pool2DAttrs, PoolMode } from '../kernels.js';
import { assertClose, lcg, tensor, values } from './kernel-test-util.js';
import { pool2D } from './Pool2D.js';
import { pool2DGrad } from './Pool2DGrad.js';

for (const mode of ['max', 'min', 'avg'] as PoolMode[]) {
  test(`Pool2DGrad: every PyTorch ${mode}_pool2d reference case (dx)`, () => {
    const cases = referenceCases(`${mode}_pool2d`);
    assert.equal(cases.length, 10);
    cases.forEach((c, idx) => {
      const [n, ch, h, w] = c.x_shape;
      const [, , oh, ow] = c.y_shape;
      const dx = pool2DGrad({ x: tensor(nchwToNhwc(c.x, c.x_shape), [n, h, w, ch]), dy: tensor(nchwToNhwc(c.dy, c.y_shape), [n, oh, ow, ch]) },
        { mode, poolSize: c.pool, strides: c.stride, pad: c.padding });
      assert.deepEqual(dx.shape, [n, h, w, ch]);
      assertClose(values(dx), nchwToNhwc(c.dx, c.x_shape), 1e-4, 1e-5, `${mode} case ${idx} dx`);
    });
  });
}

test('Pool2DGrad: max/min route to the first winner of a tie, avg spreads over real cells', () => {
  const x = tensor([5, 5, 5, 5], [1, 2, 2, 1]);
  const dy = tensor([1], [1, 1, 1, 1]);
  const attrs = { poolSize: [2, 2] as [number, number], strides: [2, 2] as [number, number], pad: [0, 0, 0, 0] as [number, number, number, number] };
  assert.deepEqual(values(pool2DGrad({ x, dy }, { ...attrs, mode: 'max' })), [1, 0, 0, 0]);
  assert.deepEqual(values(pool2DGrad({ x, dy }, { ...attrs, mode: 'min' })), [1, 0, 0, 0]);
  const padded = { poolSize: [2, 2] as [number, number], strides: [2, 2] as [number, number], pad: [1, 0, 1, 0] as [number, number, number, number] };
  const dyPadded = tensor([4], [1, 1, 1, 1]);
  const x1 = tensor([7], [1, 1, 1, 1]);
  assert.deepEqual(values(pool2DGrad({ x: x1, dy: dyPadded }, { ...padded, mode: 'avg' })), [4]);
});


/** Distinct values at least 0.01 apart, so a small step never changes a max/min winner. */
function distinctValues(n: number, rng: () => number): number[] {
  const v = Array.from({ length: n }, (_, i) => (i - n / 2) * 0.01);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [v[i], v[j]] = [v[j], v[i]];
  }
  return v;
}

test('Pool2DGrad: matches central differences of Pool2D for every mode', () => {
  const configs: [number[], Omit<Pool2DAttrs, 'mode'>][] = [
    [[2, 7, 6, 3], { poolSize: [3, 2], strides: [2, 1], pad: [1, 2, 0, 1] }],
    [[1, 5, 8, 2], { poolSize: [2, 3], strides: [1, 3], pad: [0, 1, 2, 0] }],
    [[1, 6, 6, 1], { poolSize: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] }],
  ];
  for (const mode of ['max', 'min', 'avg'] as PoolMode[]) {
    configs.forEach(([xs, a], idx) => {
      const rng = lcg(31 + idx);
      const attrs = { ...a, mode };
      const x = distinctValues(xs.reduce((p, d) => p * d), rng);
      const yShape = pool2D({ x: tensor(x, xs) }, attrs).shape;
      const proj = Array.from({ length: yShape.reduce((p, d) => p * d) }, () => rng() * 2 - 1);
      const dx = values(pool2DGrad({ x: tensor(x, xs), dy: tensor(proj, yShape) }, attrs));
      const f = (v: number[]): number => values(pool2D({ x: tensor(v, xs) }, attrs)).reduce((s, y, i) => s + proj[i] * y, 0);
      const eps = 1e-3;
      const numeric = x.map((_, i) => {
        const plus = x.slice(); plus[i] += eps;
        const minus = x.slice(); minus[i] -= eps;
        return (f(plus) - f(minus)) / (2 * eps);
      });
      assertClose(dx, numeric, 1e-2, 1e-3, `${mode} config ${idx}`);
    });
  }
});

test('Pool2DGrad: dy of the wrong shape throws naming the kernel and both shapes', () => {
  const attrs = { mode: 'max' as const, poolSize: [2, 2] as [number, number], strides: [2, 2] as [number, number], pad: [0, 0, 0, 0] as [number, number, number, number] };
  assert.throws(() => pool2DGrad({ x: tensor([1, 2, 3, 4], [1, 2, 2, 1]), dy: tensor([1, 2], [1, 1, 2, 1]) }, attrs),
    /Pool2DGrad: expected dy of shape \[1, 1, 1, 1\] for x \[1, 2, 2, 1\], got \[1, 1, 2, 1\]/);
});
