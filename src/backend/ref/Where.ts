/** y = cond != 0 ? a : b, with NumPy broadcasting of all three inputs. Output dtype is a's. */
import type { KernelFn } from '../kernels.js';
import { arrayFor } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';
import { broadcastShapes, shapesEqual, shapeToString, sizeOf } from '../../tensor/shape.js';
import { broadcastIndices } from './strided.js';
import { dataOf, output } from './storage.js';

/** Index map into an operand, or null when it already has the output shape (identity). */
function indicesFor(s: Shape, out: Shape): Int32Array | null {
  return shapesEqual(s, out) ? null : broadcastIndices(s, out);
}

export const where: KernelFn<'Where'> = ({ cond, a, b }) => {
  if (a.dtype !== b.dtype) {
    throw new Error(`Where: a and b must have the same dtype, got ${a.dtype} and ${b.dtype}`);
  }
  const name = `Where (cond ${shapeToString(cond.shape)})`;
  const shape = broadcastShapes(cond.shape, broadcastShapes(a.shape, b.shape, 'Where'), name);
  const [c, av, bv] = [dataOf(cond), dataOf(a), dataOf(b)];
  const [ic, ia, ib] = [indicesFor(cond.shape, shape), indicesFor(a.shape, shape), indicesFor(b.shape, shape)];
  const out = arrayFor(a.dtype, sizeOf(shape));
  for (let i = 0; i < out.length; i++) {
    const pick = c[ic === null ? i : ic[i]] !== 0;
    out[i] = pick ? av[ia === null ? i : ia[i]] : bv[ib === null ? i : ib[i]];
  }
  return output(shape, a.dtype, out);
};
