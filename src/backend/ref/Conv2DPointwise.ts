/**
 * Reference Conv2DPointwise: Conv2D(x, filter, bias, activation), then Conv2D of that with the
 * 1x1 pointwise filter, its bias and activation, by definition; with `globalAverage`, then the
 * mean over the pixels as the mean op computes it (Reduce sum, then Binary div by their count).
 * Fast backends may keep the intermediates in cache.
 */
import type { KernelFn } from '../kernels.js';
import { binary } from './Binary.js';
import { conv2D } from './Conv2D.js';
import { reduce } from './Reduce.js';
import { output } from './storage.js';

export const conv2DPointwise: KernelFn<'Conv2DPointwise'> = ({ x, filter, bias, pointwiseFilter, pointwiseBias }, { pointwiseActivation, globalAverage, ...attrs }) => {
  const h = conv2D({ x, filter, bias }, attrs);
  const y = conv2D({ x: h, filter: pointwiseFilter, bias: pointwiseBias }, { strides: [1, 1], pad: [0, 0, 0, 0], dilations: [1, 1], groups: 1, activation: pointwiseActivation });
  if (!globalAverage) return y;
  const sums = reduce({ x: y }, { op: 'sum', axes: [1, 2], keepDims: false });
  return binary({ a: sums, b: output([], 'float32', Float32Array.of(y.shape[1]! * y.shape[2]!)) }, { op: 'div' });
};
