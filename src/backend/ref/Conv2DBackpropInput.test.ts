import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nchwToNhwc, oihwToHwio } from '../../testing/layouts.js';
import { referenceCases } from '../../testing/reference-test-util.js';
import type { Conv2DAttrs } from '../kernels.js';
import { conv2D } from './Conv2D.js';
import { conv2DBackpropInput } from './Conv2DBackpropInput.js';
import { assertClose, lcg, projectedConv, randomArray, tensor, values } from './kernel-test-util.js';

test('Conv2DBackpropInput: every PyTorch conv2d reference case (dx)', () => {
  const cases = referenceCases('conv2d');
  assert.equal(cases.length, 40);
  cases.forEach((c, idx) => {
    const [n, ci, h, w] = c.x_shape;
    const [o, , kh, kw] = c.w_shape;
    const [, , oh, ow] = c.y_shape;
    const dx = conv2DBackpropInput(
      { dy: tensor(nchwToNhwc(c.dy, c.y_shape), [n, oh, ow, o]), filter: tensor(oihwToHwio(c.w, c.w_shape), [kh, kw, ci, o]) },
      { strides: c.stride, pad: c.padding, dilations: c.dilation, groups: 1, inputShape: [n, h, w, ci] },
    );
    assert.deepEqual(dx.shape, [n, h, w, ci]);
    assertClose(values(dx), nchwToNhwc(c.dx, c.x_shape), 1e-4, 1e-5, `conv2d case ${idx} dx`);
  });
});




test('Conv2DBackpropInput: matches central differences of Conv2D (stride, dilation, asymmetric pad, groups)', () => {
  const configs: [number[], number[], Conv2DAttrs][] = [
    [[2, 7, 6, 6], [3, 2, 2, 9], { strides: [2, 1], pad: [1, 0, 2, 1], dilations: [1, 2], groups: 3 }],
    [[1, 9, 8, 2], [2, 3, 2, 4], { strides: [1, 3], pad: [0, 2, 0, 1], dilations: [2, 1], groups: 1 }],
    [[2, 5, 5, 4], [1, 1, 2, 6], { strides: [1, 1], pad: [0, 0, 0, 0], dilations: [1, 1], groups: 2 }],
    [[1, 6, 7, 4], [3, 3, 1, 4], { strides: [2, 2], pad: [2, 1, 0, 1], dilations: [1, 1], groups: 4 }],
  ];
  configs.forEach(([xs, ws, a], idx) => {
    const rng = lcg(11 + idx);
    const x = randomArray(xs.reduce((p, d) => p * d), rng);
    const w = randomArray(ws.reduce((p, d) => p * d), rng);
    const yShape = conv2D({ x: tensor(x, xs), filter: tensor(w, ws) }, { ...a, activation: 'linear' }).shape;
    const proj = randomArray(yShape.reduce((p, d) => p * d), rng);
    const dx = values(conv2DBackpropInput({ dy: tensor(proj, yShape), filter: tensor(w, ws) },
      { ...a, inputShape: xs as [number, number, number, number] }));
    // The conv is linear in x, so a large step has no truncation error; only float32 rounding.
    const eps = 0.25;
    const numeric = x.map((_, i) => {
      const plus = x.slice(); plus[i] += eps;
      const minus = x.slice(); minus[i] -= eps;
      return (projectedConv(plus, xs, w, ws, a, proj) - projectedConv(minus, xs, w, ws, a, proj)) / (2 * eps);
    });
    assertClose(dx, numeric, 1e-3, 1e-4, `config ${idx}`);
  });
});

test('Conv2DBackpropInput: dy of the wrong shape throws naming the kernel and both shapes', () => {
  const filter = tensor(new Array(9).fill(1), [3, 3, 1, 1]);
  const attrs = { strides: [1, 1] as [number, number], pad: [0, 0, 0, 0] as [number, number, number, number], dilations: [1, 1] as [number, number], groups: 1 };
  assert.throws(() => conv2DBackpropInput({ dy: tensor(new Array(4).fill(0), [1, 2, 2, 1]), filter }, { ...attrs, inputShape: [1, 5, 5, 1] }),
    /Conv2DBackpropInput: expected dy of shape \[1, 3, 3, 1\], got \[1, 2, 2, 1\]/);
  assert.throws(() => conv2DBackpropInput({ dy: tensor(new Array(9).fill(0), [1, 3, 3, 1]), filter }, { ...attrs, inputShape: [1, 5, 5, 2] }),
    /Conv2DBackpropInput: filter \[3, 3, 1, 1\] expects .* x has shape \[1, 5, 5, 2\]/);
});
