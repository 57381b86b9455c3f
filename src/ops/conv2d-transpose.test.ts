import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../backend/engine.js';
import { Random } from '../tensor/random.js';
import { gradcheck } from '../testing/gradcheck.js';
import { conv2dTranspose, deconvLength } from './conv2d-transpose.js';
import { tensor } from './create.js';

/** The definition: every input pixel scatters input * kernel onto the output window it maps to. */
function scatter(x: Float32Array, [n, h, w, c]: number[], k: Float32Array, [kh, kw, f]: number[], s: number, outH: number, outW: number, padTop: number, padLeft: number): Float64Array {
  const y = new Float64Array(n * outH * outW * f);
  for (let b = 0; b < n; b++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let ci = 0; ci < c; ci++) {
    const v = x[((b * h + i) * w + j) * c + ci];
    for (let a = 0; a < kh; a++) for (let e = 0; e < kw; e++) {
      const oi = i * s + a - padTop;
      const oj = j * s + e - padLeft;
      if (oi < 0 || oj < 0 || oi >= outH || oj >= outW) continue;
      for (let fo = 0; fo < f; fo++) y[((b * outH + oi) * outW + oj) * f + fo] += v * k[((a * kw + e) * f + fo) * c + ci];
    }
  }
  return y;
}

const rng = new Random(5);
const rand = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));

test('conv2dTranspose equals the scatter definition (valid and same, stride 2)', () => {
  const x = rand(2 * 3 * 2 * 3);
  const k = rand(3 * 3 * 2 * 3);
  const valid = conv2dTranspose(tensor(x, [2, 3, 2, 3]), tensor(k, [3, 3, 2, 3]), { strides: 2 });
  assert.deepEqual(valid.shape, [2, 7, 5, 2]);
  scatter(x, [2, 3, 2, 3], k, [3, 3, 2], 2, 7, 5, 0, 0).forEach((v, i) => assert.ok(Math.abs(valid.dataSync()[i] - v) < 1e-5, `valid ${i}`));
  const same = conv2dTranspose(tensor(x, [2, 3, 2, 3]), tensor(k, [3, 3, 2, 3]), { strides: 2, padding: 'same' });
  assert.deepEqual(same.shape, [2, 6, 4, 2]);
  // TensorFlow's 'same' for the 6x4 output: total padding 1 per axis, 0 before and 1 after.
  scatter(x, [2, 3, 2, 3], k, [3, 3, 2], 2, 6, 4, 0, 0).forEach((v, i) => assert.ok(Math.abs(same.dataSync()[i] - v) < 1e-5, `same ${i}`));
});

test('conv2dTranspose gradients pass gradcheck (input and kernel)', () => {
  const x = tensor(rand(1 * 3 * 3 * 2), [1, 3, 3, 2]);
  const k = tensor(rand(2 * 3 * 3 * 2), [2, 3, 3, 2]);
  gradcheck((a, b) => conv2dTranspose(a, b, { strides: 2, outputPadding: 1 }), [x, k], { name: 'conv2dTranspose' });
  gradcheck((a, b) => conv2dTranspose(a, b, { strides: [1, 2], padding: 'same' }), [x, k], { name: 'conv2dTranspose same' });
  gradcheck((a, b) => conv2dTranspose(a, b, { dilations: 2 }), [x, k], { name: 'conv2dTranspose dilated' });
});

test('deconvLength follows Keras and bad outputPadding is rejected', () => {
  assert.equal(deconvLength(7, 3, 2, 1, 'valid', null), 15);
  assert.equal(deconvLength(7, 3, 2, 1, 'same', null), 14);
  assert.equal(deconvLength(7, 3, 2, 1, 'same', 1), 14);
  assert.equal(deconvLength(7, 3, 2, 1, 'valid', 1), 16);
  assert.throws(() => conv2dTranspose(tensor(rand(9), [1, 3, 3, 1]), tensor(rand(9), [3, 3, 1, 1]), { strides: 2, outputPadding: 2 }), /outputPadding must be >= 0 and below the stride \(2\), got 2/);
});
