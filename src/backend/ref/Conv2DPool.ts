/**
 * Reference Conv2DPool: [y, pooled] = [Conv2D(x, filter, bias), Pool2D(y, pool)], by definition.
 * Fast backends compute both in one pass over the conv's output.
 */
import type { KernelFn } from '../kernels.js';
import { conv2D } from './Conv2D.js';
import { pool2D } from './Pool2D.js';

export const conv2DPool: KernelFn<'Conv2DPool'> = (inputs, { pool, ...attrs }) => {
  const y = conv2D(inputs, attrs);
  return [y, pool2D({ x: y }, pool)];
};
