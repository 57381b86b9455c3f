import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nchwToNhwc, oihwToHwio } from '../../testing/layouts.js';
import { referenceCases } from '../../testing/reference-test-util.js';
import type { Conv2DAttrs } from '../kernels.js';
import { conv2D } from './Conv2D.js';
import { assertClose, tensor, values } from './kernel-test-util.js';

const attrsOf = (strides: [number, number], pad: Conv2DAttrs['pad'], dilations: [number, number], groups = 1) =>
  ({ strides, pad, dilations, groups, activation: 'linear' as const });

test('Conv2D: every PyTorch conv2d reference case (forward), NCHW/OIHW transposed to NHWC/HWIO', () => {
  const cases = referenceCases('conv2d');
  assert.equal(cases.length, 40);
  cases.forEach((c, idx) => {
    const [n, ci, h, w] = c.x_shape;
    const [o, , kh, kw] = c.w_shape;
    const x = tensor(nchwToNhwc(c.x, c.x_shape), [n, h, w, ci]);
    const filter = tensor(oihwToHwio(c.w, c.w_shape), [kh, kw, ci, o]);
    const bias = c.b === null ? undefined : tensor(c.b, [o]);
    const y = conv2D({ x, filter, bias }, attrsOf(c.stride, c.padding, c.dilation));
    const [, , oh, ow] = c.y_shape;
    assert.deepEqual(y.shape, [n, oh, ow, o], `case ${idx} shape`);
    assertClose(values(y), nchwToNhwc(c.y, c.y_shape), 1e-4, 1e-5, `conv2d case ${idx} y`);
  });
});

test('Conv2D reference cases: db is the sum of dy over N, H, W', () => {
  for (const c of referenceCases('conv2d').filter((k) => k.db !== null)) {
    const [n, o, h, w] = c.y_shape;
    const db = new Array<number>(o).fill(0);
    for (let i = 0; i < n * o * h * w; i++) db[Math.floor(i / (h * w)) % o] += c.dy[i];
    assertClose(db, c.db!, 1e-4, 1e-5, 'db');
  }
});

test('Conv2D: the course example, 5x5 binary image with the 3x3 X kernel', () => {
  const image = [1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0];
  const kernel = [1, 0, 1, 0, 1, 0, 1, 0, 1];
  const y = conv2D({ x: tensor(image, [1, 5, 5, 1]), filter: tensor(kernel, [3, 3, 1, 1]) },
    attrsOf([1, 1], [0, 0, 0, 0], [1, 1]));
  assert.deepEqual(y.shape, [1, 3, 3, 1]);
  assert.deepEqual(values(y), [4, 3, 4, 2, 4, 3, 2, 3, 4]);
});

/** The definition, written out: seven nested loops, independent of im2col/GEMM. */
function directConv(x: number[], xs: number[], f: number[], fs: number[], a: Conv2DAttrs, outH: number, outW: number): number[] {
  const [n, h, w, c] = xs;
  const [kh, kw, cg, o] = fs;
  const og = o / a.groups;
  const y: number[] = [];
  for (let b = 0; b < n; b++) for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) for (let oc = 0; oc < o; oc++) {
    const g = Math.floor(oc / og);
    let s = 0;
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let k = 0; k < cg; k++) {
      const iy = oy * a.strides[0] - a.pad[0] + i * a.dilations[0];
      const ix = ox * a.strides[1] - a.pad[2] + j * a.dilations[1];
      if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
      s += x[((b * h + iy) * w + ix) * c + g * cg + k] * f[((i * kw + j) * cg + k) * o + oc];
    }
    y.push(s);
  }
  return y;
}

const rand = (n: number, seed: number): number[] => {
  let s = seed;
  return Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1);
};

test('Conv2D: groups, dilation, stride, asymmetric padding and the 1x1 path match the direct definition', () => {
  const configs: [number[], number[], Conv2DAttrs][] = [
    [[2, 7, 6, 6], [3, 2, 2, 9], { strides: [2, 1], pad: [1, 0, 2, 1], dilations: [1, 2], groups: 3 }],
    [[1, 9, 8, 4], [2, 3, 4, 4], { strides: [1, 3], pad: [0, 2, 0, 1], dilations: [2, 1], groups: 1 }],
    [[3, 5, 5, 6], [1, 1, 3, 4], { strides: [1, 1], pad: [0, 0, 0, 0], dilations: [1, 1], groups: 2 }],
    [[2, 4, 4, 3], [1, 1, 3, 5], { strides: [2, 2], pad: [0, 0, 0, 0], dilations: [1, 1], groups: 1 }],
    [[1, 6, 6, 4], [3, 3, 1, 4], { strides: [1, 1], pad: [1, 1, 1, 1], dilations: [1, 1], groups: 4 }],
  ];
  configs.forEach(([xs, fs, a], idx) => {
    const xv = rand(xs.reduce((p, d) => p * d), 7 + idx);
    const fv = rand(fs.reduce((p, d) => p * d), 99 + idx);
    const y = conv2D({ x: tensor(xv, xs), filter: tensor(fv, fs) }, { ...a, activation: 'linear' });
    const [, oh, ow] = y.shape;
    assertClose(values(y), directConv(xv, xs, fv, fs, a, oh, ow), 1e-4, 1e-5, `config ${idx}`);
  });
});

test('Conv2D: bias and fused relu', () => {
  const x = tensor([1, -2, 3, -4], [1, 2, 2, 1]);
  const filter = tensor([1, -1], [1, 1, 1, 2]);
  const bias = tensor([0.5, -0.5], [2]);
  const lin = conv2D({ x, filter, bias }, attrsOf([1, 1], [0, 0, 0, 0], [1, 1]));
  assert.deepEqual(values(lin), [1.5, -1.5, -1.5, 1.5, 3.5, -3.5, -3.5, 3.5]);
  const relu = conv2D({ x, filter, bias }, { ...attrsOf([1, 1], [0, 0, 0, 0], [1, 1]), activation: 'relu' });
  assert.deepEqual(values(relu), [1.5, 0, 0, 1.5, 3.5, 0, 0, 3.5]);
});

test('Conv2D: a batch larger than one im2col chunk gives the same rows as one image at a time', () => {
  const xs = [40, 20, 20, 3];
  const xv = rand(xs.reduce((p, d) => p * d), 3);
  const fv = rand(3 * 3 * 3 * 8, 4);
  const a = attrsOf([1, 1], [1, 1, 1, 1], [1, 1]);
  const all = values(conv2D({ x: tensor(xv, xs), filter: tensor(fv, [3, 3, 3, 8]) }, a));
  const per = 20 * 20 * 8;
  for (const b of [0, 17, 39]) {
    const one = conv2D({ x: tensor(xv.slice(b * 1200, (b + 1) * 1200), [1, 20, 20, 3]), filter: tensor(fv, [3, 3, 3, 8]) }, a);
    assertClose(all.slice(b * per, (b + 1) * per), values(one), 1e-6, 1e-6, `image ${b}`);
  }
});

test('Conv2D: bad shapes throw naming the kernel and both shapes', () => {
  const a = attrsOf([1, 1], [0, 0, 0, 0], [1, 1]);
  const f = tensor(new Array(18).fill(0), [3, 3, 2, 1]);
  assert.throws(() => conv2D({ x: tensor([1, 2, 3], [3]), filter: f }, a), /Conv2D: x must be rank 4.*\[3\]/);
  assert.throws(() => conv2D({ x: tensor(new Array(75).fill(0), [1, 5, 5, 3]), filter: f }, a),
    /Conv2D: filter \[3, 3, 2, 1\] expects .* input channels, but x has shape \[1, 5, 5, 3\]/);
  assert.throws(() => conv2D({ x: tensor(new Array(8).fill(0), [1, 2, 2, 2]), filter: f }, a), /Conv2D: dilated kernel 3x3 .* larger than the padded input 2x2/);
  assert.throws(() => conv2D({ x: tensor(new Array(50).fill(0), [1, 5, 5, 2]), filter: f }, { ...a, groups: 2 }), /Conv2D: filter .* = 4 input channels, but x has shape \[1, 5, 5, 2\]/);
  assert.throws(() => conv2D({ x: tensor(new Array(50).fill(0), [1, 5, 5, 2]), filter: f, bias: tensor([1, 2], [2]) }, a), /Conv2D: expected bias of shape \[1\]/);
  assert.throws(() => conv2D({ x: tensor(new Array(50).fill(0), [1, 5, 5, 2]), filter: f }, { ...a, strides: [0, 1] }), /Conv2D: strides/);
});
