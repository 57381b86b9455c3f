/**
 * Reference Conv2DPool: [y, pooled] = [Conv2D(x, filter, bias), Pool2D(y, pool)], by definition
 * ([pooled] alone with `poolOnly`, its top-left `crop` rows and columns when one is given).
 * Fast backends compute both in one pass over the conv's output.
 */
import type { KernelFn, TensorInfo } from '../kernels.js';
import { conv2D } from './Conv2D.js';
import { pool2D } from './Pool2D.js';
import { slice } from './Slice.js';
import { freeHandle } from './storage.js';

export const conv2DPool: KernelFn<'Conv2DPool'> = (inputs, { pool, poolOnly, crop, ...attrs }) => {
  const y = conv2D(inputs, attrs);
  const pooled = pool2D({ x: y }, pool);
  if (poolOnly !== true) {
    if (crop !== undefined) throw new Error('Conv2DPool: crop needs poolOnly (the gradient reads all of y)');
    return [y, pooled];
  }
  freeHandle(y.handle); // (the memory counter counts every output made)
  return [crop === undefined ? pooled : cropped(pooled, crop)];
};

/** The top-left rows x cols of an NHWC map (all of it where it is no larger), the map freed. */
function cropped(pooled: TensorInfo, [rows, cols]: [number, number]): TensorInfo {
  const [n, h, w, c] = pooled.shape as [number, number, number, number];
  if (rows >= h && cols >= w) return pooled;
  const out = slice({ x: pooled }, { begin: [0, 0, 0, 0], size: [n, Math.min(rows, h), Math.min(cols, w), c] });
  freeHandle(pooled.handle);
  return out;
}
