/** Small helpers for the reference-kernel tests: build inputs, read outputs, compare numbers. */
import assert from 'node:assert/strict';
import type { DType } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';
import type { Conv2DAttrs, TensorInfo } from '../kernels.js';
import { conv2D } from './Conv2D.js';
import { dataOf, output } from './storage.js';

/** A kernel input holding `values` (float32 unless told). */
export function tensor(values: readonly number[], shape: Shape, dtype: DType = 'float32'): TensorInfo {
  const data = dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
  return output(shape, dtype, data);
}

/** A kernel output as plain numbers. */
export function values(t: TensorInfo): number[] {
  return Array.from(dataOf(t));
}

/** Asserts shape, dtype and values exactly. */
export function assertTensor(t: TensorInfo, shape: Shape, expected: readonly number[], dtype: DType = 'float32'): void {
  assert.deepEqual(t.shape, [...shape]);
  assert.equal(t.dtype, dtype);
  assert.deepEqual(values(t), [...expected]);
}

/** |a - e| <= atol + rtol * |e| elementwise, naming the first failing index. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-6, atol = 1e-7, label = ''): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < actual.length; i++) {
    const [a, e] = [actual[i], expected[i]];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      assert.fail(`${label}[${i}]: got ${a}, expected ${e} (rtol ${rtol}, atol ${atol})`);
    }
  }
}

/** A small seeded generator (linear congruential), uniform in [0, 1): test inputs independent of Random. */
export function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** `n` values uniform in [-1, 1). */
export function randomArray(n: number, rng: () => number): number[] {
  return Array.from({ length: n }, () => rng() * 2 - 1);
}

/** <proj, conv(x, w)> accumulated in float64: the scalar whose gradients the conv backprop tests check. */
export function projectedConv(x: number[], xs: number[], w: number[], ws: number[], a: Conv2DAttrs, proj: number[]): number {
  const y = values(conv2D({ x: tensor(x, xs), filter: tensor(w, ws) }, { ...a, activation: 'linear' }));
  let s = 0;
  for (let i = 0; i < y.length; i++) s += proj[i] * y[i];
  return s;
}
