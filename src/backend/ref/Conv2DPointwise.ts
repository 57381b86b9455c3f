/**
 * Reference Conv2DPointwise: each block's Conv2D(h, filter, bias, activation), then Conv2D of that
 * with its 1x1 pointwise filter, bias and activation, block after block, by definition; with
 * `globalAverage`, then the mean over the pixels as the mean op computes it (Reduce sum, then
 * Binary div by their count); with a stem, its Conv2D first. Fast backends may keep the
 * intermediates in cache.
 */
import type { KernelFn, TensorInfo } from '../kernels.js';
import { binary } from './Binary.js';
import { conv2D } from './Conv2D.js';
import { reduce } from './Reduce.js';
import { output } from './storage.js';

export const conv2DPointwise: KernelFn<'Conv2DPointwise'> = ({ x, filters, pointwiseFilters, biases, stemFilter, stemBias }, { blocks, globalAverage, stem }) => {
  let h: TensorInfo = x;
  if (stem !== undefined) {
    const { bias, ...attrs } = stem;
    if (stemFilter === undefined || bias !== (stemBias !== undefined)) throw new Error('Conv2DPointwise: the stem\'s filter (and bias, when it has one) must be given');
    h = conv2D({ x, filter: stemFilter, bias: stemBias }, attrs);
  }
  let b = 0;
  blocks.forEach(({ activation, pointwiseActivation, bias, pointwiseBias, ...attrs }, i) => {
    const first = conv2D({ x: h, filter: filters[i]!, bias: bias ? biases[b++] : undefined }, { ...attrs, activation });
    h = conv2D({ x: first, filter: pointwiseFilters[i]!, bias: pointwiseBias ? biases[b++] : undefined }, { strides: [1, 1], pad: [0, 0, 0, 0], dilations: [1, 1], groups: 1, activation: pointwiseActivation });
  });
  if (!globalAverage) return h;
  const sums = reduce({ x: h }, { op: 'sum', axes: [1, 2], keepDims: false });
  return binary({ a: sums, b: output([], 'float32', Float32Array.of(h.shape[1]! * h.shape[2]!)) }, { op: 'div' });
};
