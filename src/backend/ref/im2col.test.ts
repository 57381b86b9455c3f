import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Conv2DAttrs } from '../kernels.js';
import { col2im, convGeometry, im2col } from './im2col.js';

const attrs = (over: Partial<Conv2DAttrs> = {}): Conv2DAttrs =>
  ({ strides: [1, 1], pad: [0, 0, 0, 0], dilations: [1, 1], groups: 1, ...over });

test('convGeometry: output size formula, patch length and the pointwise flag', () => {
  const g = convGeometry('Conv2D', [2, 28, 28, 6], [3, 3, 2, 9], attrs({ strides: [2, 1], pad: [1, 0, 2, 1], dilations: [1, 2], groups: 3 }));
  // outH = floor((28 + 1 - 2 - 1) / 2) + 1 = 14; outW = floor((28 + 3 - 4 - 1) / 1) + 1 = 27.
  assert.deepEqual([g.outH, g.outW, g.cg, g.og, g.patch, g.rows, g.pointwise], [14, 27, 2, 3, 18, 2 * 14 * 27, false]);
  assert.equal(convGeometry('Conv2D', [1, 4, 4, 3], [1, 1, 3, 2], attrs()).pointwise, true);
  assert.equal(convGeometry('Conv2D', [1, 4, 4, 3], [1, 1, 3, 2], attrs({ strides: [2, 2] })).pointwise, false);
  assert.throws(() => convGeometry('Conv2D', [1, 4, 4, 6], [3, 3, 2, 8], attrs({ groups: 3 })), /Conv2D: filter \[3, 3, 2, 8\] has 8 output channels, not divisible by groups = 3/);
});

test('im2col: rows hold each receptive field in HWI order with zeros in the padding', () => {
  // A 1x2x2x2 image, channel c of pixel (h, w) = 10*(2h + w) + c; 2x2 kernel, pad 1 top/left only.
  const x = Float32Array.from([0, 1, 10, 11, 20, 21, 30, 31]);
  const geo = convGeometry('Conv2D', [1, 2, 2, 2], [2, 2, 2, 1], attrs({ pad: [1, 0, 1, 0] }));
  assert.deepEqual([geo.outH, geo.outW, geo.patch], [2, 2, 8]);
  const cols = new Float32Array(4 * 8);
  im2col(x, geo, 0, 0, 4, cols);
  assert.deepEqual(Array.from(cols.subarray(0, 8)), [0, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(Array.from(cols.subarray(24, 32)), [0, 1, 10, 11, 20, 21, 30, 31]);
  // Group 1 of a 2-group split reads channel 1 only.
  const geo2 = convGeometry('Conv2D', [1, 2, 2, 2], [2, 2, 1, 2], attrs({ groups: 2 }));
  const one = new Float32Array(4);
  im2col(x, geo2, 1, 0, 1, one);
  assert.deepEqual(Array.from(one), [1, 11, 21, 31]);
});

test('col2im is the adjoint of im2col: <im2col(x), c> = <x, col2im(c)>', () => {
  const geo = convGeometry('Conv2D', [2, 7, 6, 6], [3, 2, 2, 9], attrs({ strides: [2, 1], pad: [1, 2, 0, 1], dilations: [2, 1], groups: 3 }));
  let s = 1;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const x = Float32Array.from({ length: 2 * 7 * 6 * 6 }, rnd);
  for (let g = 0; g < 3; g++) {
    const cols = new Float32Array(geo.rows * geo.patch);
    im2col(x, geo, g, 0, geo.rows, cols);
    const c = Float32Array.from({ length: cols.length }, rnd);
    const back = new Float32Array(x.length);
    col2im(c, geo, g, 0, geo.rows, back);
    let lhs = 0, rhs = 0;
    cols.forEach((v, i) => (lhs += v * c[i]));
    x.forEach((v, i) => (rhs += v * back[i]));
    assert.ok(Math.abs(lhs - rhs) < 1e-4 * Math.max(1, Math.abs(lhs)), `group ${g}: ${lhs} vs ${rhs}`);
  }
});
