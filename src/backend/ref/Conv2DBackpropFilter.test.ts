import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nchwToNhwc, oihwToHwio } from '../../testing/layouts.js';
import { referenceCases } from '../../testing/reference-test-util.js';
import type { Conv2DAttrs } from '../kernels.js';
import { conv2D } from './Conv2D.js';
import { conv2DBackpropFilter } from './Conv2DBackpropFilter.js';
import { assertClose, lcg, projectedConv, randomArray, tensor, values } from './kernel-test-util.js';

test('Conv2DBackpropFilter: every PyTorch conv2d reference case (dw)', () => {
  const cases = referenceCases('conv2d');
  assert.equal(cases.length, 40);
  cases.forEach((c, idx) => {
    const [n, ci, h, w] = c.x_shape;
    const [o, , kh, kw] = c.w_shape;
    const [, , oh, ow] = c.y_shape;
    const dw = conv2DBackpropFilter(
      { x: tensor(nchwToNhwc(c.x, c.x_shape), [n, h, w, ci]), dy: tensor(nchwToNhwc(c.dy, c.y_shape), [n, oh, ow, o]) },
      { strides: c.stride, pad: c.padding, dilations: c.dilation, groups: 1, filterShape: [kh, kw, ci, o] },
    );
    assert.deepEqual(dw.shape, [kh, kw, ci, o]);
    assertClose(values(dw), oihwToHwio(c.dw, c.w_shape), 1e-4, 1e-5, `conv2d case ${idx} dw`);
  });
});




test('Conv2DBackpropFilter: matches central differences of Conv2D (stride, dilation, asymmetric pad, groups)', () => {
  const configs: [number[], number[], Conv2DAttrs][] = [
    [[2, 7, 6, 6], [3, 2, 2, 9], { strides: [2, 1], pad: [1, 0, 2, 1], dilations: [1, 2], groups: 3 }],
    [[1, 9, 8, 2], [2, 3, 2, 4], { strides: [1, 3], pad: [0, 2, 0, 1], dilations: [2, 1], groups: 1 }],
    [[2, 5, 5, 4], [1, 1, 2, 6], { strides: [1, 1], pad: [0, 0, 0, 0], dilations: [1, 1], groups: 2 }],
    [[1, 6, 7, 4], [3, 3, 1, 4], { strides: [2, 2], pad: [2, 1, 0, 1], dilations: [1, 1], groups: 4 }],
    [[3, 5, 4, 3], [1, 1, 3, 2], { strides: [2, 2], pad: [0, 0, 0, 0], dilations: [1, 1], groups: 1 }],
  ];
  configs.forEach(([xs, ws, a], idx) => {
    const rng = lcg(23 + idx);
    const x = randomArray(xs.reduce((p, d) => p * d), rng);
    const w = randomArray(ws.reduce((p, d) => p * d), rng);
    const yShape = conv2D({ x: tensor(x, xs), filter: tensor(w, ws) }, { ...a, activation: 'linear' }).shape;
    const proj = randomArray(yShape.reduce((p, d) => p * d), rng);
    const dw = values(conv2DBackpropFilter({ x: tensor(x, xs), dy: tensor(proj, yShape) },
      { ...a, filterShape: ws as [number, number, number, number] }));
    // Linear in w: a large step has no truncation error, only float32 rounding.
    const eps = 0.25;
    const numeric = w.map((_, i) => {
      const plus = w.slice(); plus[i] += eps;
      const minus = w.slice(); minus[i] -= eps;
      return (projectedConv(x, xs, plus, ws, a, proj) - projectedConv(x, xs, minus, ws, a, proj)) / (2 * eps);
    });
    assertClose(dw, numeric, 1e-3, 1e-4, `config ${idx}`);
  });
});

test('Conv2DBackpropFilter: a batch spanning many im2col chunks accumulates every chunk', () => {
  const xs = [30, 16, 16, 8];
  const rng = lcg(5);
  const x = randomArray(xs.reduce((p, d) => p * d), rng);
  const dy = randomArray(30 * 16 * 16 * 4, rng);
  const attrs = { strides: [1, 1] as [number, number], pad: [1, 1, 1, 1] as [number, number, number, number], dilations: [1, 1] as [number, number], groups: 1 };
  const full = values(conv2DBackpropFilter({ x: tensor(x, xs), dy: tensor(dy, [30, 16, 16, 4]) }, { ...attrs, filterShape: [3, 3, 8, 4] }));
  const sum = new Array<number>(full.length).fill(0);
  for (let b = 0; b < 30; b++) {
    const one = values(conv2DBackpropFilter({
      x: tensor(x.slice(b * 2048, (b + 1) * 2048), [1, 16, 16, 8]), dy: tensor(dy.slice(b * 1024, (b + 1) * 1024), [1, 16, 16, 4]),
    }, { ...attrs, filterShape: [3, 3, 8, 4] }));
    one.forEach((v, i) => (sum[i] += v));
  }
  assertClose(full, sum, 1e-4, 1e-4, 'dw');
});

test('Conv2DBackpropFilter: bad shapes throw naming the kernel', () => {
  const attrs = { strides: [1, 1] as [number, number], pad: [0, 0, 0, 0] as [number, number, number, number], dilations: [1, 1] as [number, number], groups: 1 };
  const x = tensor(new Array(25).fill(0), [1, 5, 5, 1]);
  assert.throws(() => conv2DBackpropFilter({ x, dy: tensor(new Array(9).fill(0), [1, 3, 3, 1]) }, { ...attrs, filterShape: [3, 3, 1, 2] }),
    /Conv2DBackpropFilter: expected dy of shape \[1, 3, 3, 2\], got \[1, 3, 3, 1\]/);
  assert.throws(() => conv2DBackpropFilter({ x, dy: tensor([0], [1, 1, 1, 1]) }, { ...attrs, filterShape: [7, 7, 1, 1] }),
    /Conv2DBackpropFilter: dilated kernel 7x7 .* larger than the padded input 5x5/);
});
