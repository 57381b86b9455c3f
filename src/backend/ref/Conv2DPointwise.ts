/**
 * Reference Conv2DPointwise: Conv2D(x, filter, bias, activation), then Conv2D of that with the
 * 1x1 pointwise filter, its bias and activation, by definition. Fast backends may keep the first
 * conv's output in cache between the two.
 */
import type { KernelFn } from '../kernels.js';
import { conv2D } from './Conv2D.js';

export const conv2DPointwise: KernelFn<'Conv2DPointwise'> = ({ x, filter, bias, pointwiseFilter, pointwiseBias }, { pointwiseActivation, ...attrs }) => {
  const h = conv2D({ x, filter, bias }, attrs);
  return conv2D({ x: h, filter: pointwiseFilter, bias: pointwiseBias }, { strides: [1, 1], pad: [0, 0, 0, 0], dilations: [1, 1], groups: 1, activation: pointwiseActivation });
};
