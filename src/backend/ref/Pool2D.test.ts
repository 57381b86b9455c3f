import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nchwToNhwc } from '../../testing/layouts.js';
import { referenceCases } from '../../testing/reference-test-util.js';
import type { PoolMode } from '../kernels.js';
import { assertClose, tensor, values } from './kernel-test-util.js';
import { pool2D } from './Pool2D.js';

for (const mode of ['max', 'min', 'avg'] as PoolMode[]) {
  test(`Pool2D: every PyTorch ${mode}_pool2d reference case (forward)`, () => {
    const cases = referenceCases(`${mode}_pool2d`);
    assert.equal(cases.length, 10);
    cases.forEach((c, idx) => {
      const [n, ch, h, w] = c.x_shape;
      const y = pool2D({ x: tensor(nchwToNhwc(c.x, c.x_shape), [n, h, w, ch]) },
        { mode, poolSize: c.pool, strides: c.stride, pad: c.padding });
      assert.deepEqual(y.shape, [n, c.y_shape[2], c.y_shape[3], ch], `case ${idx} shape`);
      assertClose(values(y), nchwToNhwc(c.y, c.y_shape), 1e-4, 1e-5, `${mode} case ${idx}`);
    });
  });
}

test('Pool2D: the course example, 2x2 stride-2 max pooling of a 4x4 map', () => {
  const x = [0.2, 0.8, 0.3, 0.6, 0.2, 0.9, 0.3, 0.8, 0.3, 0.8, 0.8, 0.9, 0, 0, 0.2, 0.8];
  const y = pool2D({ x: tensor(x, [1, 4, 4, 1]) }, { mode: 'max', poolSize: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] });
  assert.deepEqual(y.shape, [1, 2, 2, 1]);
  assertClose(values(y), [0.9, 0.8, 0.8, 0.9]);
});

test('Pool2D: padded cells never win and are not counted', () => {
  const x = tensor([-1, -2, -3, -4], [1, 2, 2, 1]);
  const attrs = { poolSize: [2, 2] as [number, number], strides: [1, 1] as [number, number], pad: [1, 0, 1, 0] as [number, number, number, number] };
  // Windows at the top-left hold one, two, two and four real cells.
  assert.deepEqual(values(pool2D({ x }, { ...attrs, mode: 'max' })), [-1, -1, -1, -1]);
  assert.deepEqual(values(pool2D({ x }, { ...attrs, mode: 'min' })), [-1, -2, -3, -4]);
  assert.deepEqual(values(pool2D({ x }, { ...attrs, mode: 'avg' })), [-1, -1.5, -2, -2.5]);
});

test('Pool2D: channels pool independently', () => {
  const y = pool2D({ x: tensor([1, 10, 2, 20, 3, 5, 4, 40], [1, 2, 2, 2]) }, { mode: 'max', poolSize: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] });
  assert.deepEqual(values(y), [4, 40]);
});

test('Pool2D: bad input throws naming the kernel and the shape', () => {
  const attrs = { mode: 'max' as const, poolSize: [3, 3] as [number, number], strides: [1, 1] as [number, number], pad: [0, 0, 0, 0] as [number, number, number, number] };
  assert.throws(() => pool2D({ x: tensor([1, 2, 3, 4], [2, 2]) }, attrs), /Pool2D: x must be rank 4 .*\[2, 2\]/);
  assert.throws(() => pool2D({ x: tensor([1, 2, 3, 4], [1, 2, 2, 1]) }, attrs), /Pool2D: pool window 3x3 is larger than the padded input 2x2 \(x \[1, 2, 2, 1\]/);
  assert.throws(() => pool2D({ x: tensor([1, 2, 3, 4], [1, 2, 2, 1]) }, { ...attrs, pad: [3, 0, 0, 0] }), /Pool2D: every pad side must be smaller/);
  assert.throws(() => pool2D({ x: tensor([1, 2, 3, 4], [1, 2, 2, 1]) }, { ...attrs, poolSize: [1, 1], strides: [0, 1] }), /Pool2D: poolSize\/strides/);
});
