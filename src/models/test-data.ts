/**
 * A tiny synthetic image problem for model tests: 6x6 single-channel images holding either a
 * vertical (class 0) or a horizontal (class 1) bar at a random position, plus noise. One 3x3
 * conv filter separates the classes, so a small CNN learns it in a few epochs.
 */
import { tensor } from '../ops/create.js';
import { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';

export const BAR_SIZE = 6;

export function barImages(count: number, seed: number): { x: Tensor; y: Tensor; labels: Int32Array } {
  const rng = new Random(seed);
  const s = BAR_SIZE;
  const x = new Float32Array(count * s * s);
  const y = new Float32Array(count * 2);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const label = n % 2;
    const at = 1 + rng.int(s - 2);
    const from = rng.int(2);
    for (let i = 0; i < s * s; i++) x[n * s * s + i] = rng.uniform(0, 0.3);
    for (let k = from; k < from + 4; k++) {
      const [r, c] = label === 0 ? [k, at] : [at, k];
      x[n * s * s + r * s + c] = 1;
    }
    y[n * 2 + label] = 1;
    labels[n] = label;
  }
  return { x: tensor(x, [count, s, s, 1]), y: tensor(y, [count, 2]), labels };
}
