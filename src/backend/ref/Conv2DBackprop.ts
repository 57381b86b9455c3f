/**
 * Reference Conv2DBackprop: [dx, dfilter] of Conv2D, the two reference kernels one after the other
 * (x's shape and the filter's give their `inputShape` and `filterShape`).
 */
import type { KernelFn } from '../kernels.js';
import { conv2DBackpropFilter } from './Conv2DBackpropFilter.js';
import { conv2DBackpropInput } from './Conv2DBackpropInput.js';

export const conv2DBackprop: KernelFn<'Conv2DBackprop'> = ({ x, dy, filter, accumulate }, attrs) => [
  conv2DBackpropInput({ dy, filter, accumulate }, Object.assign({}, attrs, { inputShape: [...x.shape] as [number, number, number, number] })),
  conv2DBackpropFilter({ x, dy }, Object.assign({}, attrs, { filterShape: [...filter.shape] as [number, number, number, number] })),
];
