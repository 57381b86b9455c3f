/**
 * Elementwise binary ops with NumPy broadcasting. Arithmetic keeps the input dtype (int32 stays
 * int32: `mul` wraps like C, `div` is floor division as in TensorFlow, x / 0 stores 0 as
 * Int32Array does); comparisons return float32 1/0 so that `mean(equal(a, b))` is an accuracy.
 */
import type { BinaryOp, KernelFn } from '../kernels.js';
import { arrayFor } from '../../tensor/dtype.js';
import { broadcastShapes, shapeToString, sizeOf } from '../../tensor/shape.js';
import { broadcastApply } from './broadcast.js';
import type { OpName } from './binary-ops.js';
import { isBinaryOp, opCode } from './binary-ops.js';
import { dataOf, output } from './storage.js';

const COMPARISONS = new Set<BinaryOp>(['equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual']);
const INT_VARIANT: Partial<Record<BinaryOp, OpName>> = { mul: 'imul', div: 'idiv' };

export const binary: KernelFn<'Binary'> = ({ a, b }, { op }) => {
  if (!isBinaryOp(op)) throw new Error(`Binary: unknown op '${String(op)}'`);
  if (a.dtype !== b.dtype) {
    throw new Error(
      `Binary(${op}): operands must have the same dtype, got ${a.dtype} ${shapeToString(a.shape)} and ${b.dtype} ${shapeToString(b.shape)}`,
    );
  }
  const shape = broadcastShapes(a.shape, b.shape, `Binary(${op})`);
  const dtype = COMPARISONS.has(op) ? 'float32' : a.dtype;
  const code = opCode(a.dtype === 'int32' ? (INT_VARIANT[op] ?? op) : op);
  const out = arrayFor(dtype, sizeOf(shape));
  broadcastApply(dataOf(a), a.shape, dataOf(b), b.shape, shape, out, code);
  return output(shape, dtype, out);
};
