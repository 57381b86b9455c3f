/**
 * Softmax cross-entropy of each row against a class index instead of a label row:
 * loss[r] = -logSoftmax(z[r])_{c_r} = logSumExp(z[r]) - z[r, c_r], float64 inside (the row max
 * subtracted first, as SoftmaxCrossEntropy does). It is SoftmaxCrossEntropy of the one-hot rows of
 * the classes, bit for bit wherever the logits are finite (the zero labels add exact zeros), without
 * building them: PyTorch's cross_entropy with class targets, TensorFlow's sparse variant. Unlike the
 * one-hot form, a -Infinity logit of another class (a masked class) leaves the row finite.
 */
import { ClassIndexError } from '../class-index-error.js';
import type { KernelFn, TensorInfo } from '../kernels.js';
import type { DataArray } from '../../tensor/dtype.js';
import { shapeToString } from '../../tensor/shape.js';
import { rowLogSumExp } from './SoftmaxCrossEntropy.js';
import { dataOf, output } from './storage.js';

/**
 * Checks what every backend's SparseSoftmaxCrossEntropy(Grad) needs: float32 logits [rows, classes],
 * int32 classes [rows] and (for the gradient) float32 dy [rows]. Returns [rows, classes].
 */
export function checkSparseSoftmaxCrossEntropy(kernel: string, logits: TensorInfo, classes: TensorInfo, dy?: TensorInfo): [number, number] {
  const shapes = (): string => `logits ${shapeToString(logits.shape)}, classes ${shapeToString(classes.shape)}${dy ? `, dy ${shapeToString(dy.shape)}` : ''}`;
  if (logits.shape.length !== 2 || logits.dtype !== 'float32') throw new Error(`${kernel}: logits must be float32 [rows, classes], got ${logits.dtype} ${shapes()}`);
  const rows = logits.shape[0]!;
  if (classes.dtype !== 'int32' || classes.shape.length !== 1 || classes.shape[0] !== rows) {
    throw new Error(`${kernel}: classes must be int32 [rows] = [${rows}], got ${classes.dtype} ${shapes()}`);
  }
  if (dy !== undefined && (dy.dtype !== 'float32' || dy.shape.length !== 1 || dy.shape[0] !== rows)) {
    throw new Error(`${kernel}: dy must be float32 [rows] = [${rows}], got ${dy.dtype} ${shapes()}`);
  }
  return [rows, logits.shape[1]!];
}

/** The class index of row r, checked: outside 0..n-1 it would read another row's logit. */
export function classOfRow(kernel: string, c: DataArray, r: number, n: number): number {
  const k = c[r]!;
  if (!(k >= 0 && k < n)) throw new ClassIndexError(kernel, k, r, n);
  return k;
}

export const sparseSoftmaxCrossEntropy: KernelFn<'SparseSoftmaxCrossEntropy'> = ({ logits, classes }) => {
  const [rows, n] = checkSparseSoftmaxCrossEntropy('SparseSoftmaxCrossEntropy', logits, classes);
  const z = dataOf(logits), c = dataOf(classes);
  const loss = new Float32Array(rows);
  for (let r = 0, base = 0; r < rows; r++, base += n) {
    const k = classOfRow('SparseSoftmaxCrossEntropy', c, r, n);
    loss[r] = rowLogSumExp(z, base, n) - z[base + k]!;
  }
  return output([rows], 'float32', loss);
};
