/**
 * Reference Conv2DPool: [y, pooled] = [Conv2D(x, filter, bias), Pool2D(y, pool)], by definition
 * ([pooled] alone with `poolOnly`).
 * Fast backends compute both in one pass over the conv's output.
 */
import type { KernelFn } from '../kernels.js';
import { conv2D } from './Conv2D.js';
import { pool2D } from './Pool2D.js';
import { freeHandle } from './storage.js';

export const conv2DPool: KernelFn<'Conv2DPool'> = (inputs, { pool, poolOnly, ...attrs }) => {
  const y = conv2D(inputs, attrs);
  const pooled = pool2D({ x: y }, pool);
  if (poolOnly !== true) return [y, pooled];
  freeHandle(y.handle); // (the memory counter counts every output made)
  return [pooled];
};
