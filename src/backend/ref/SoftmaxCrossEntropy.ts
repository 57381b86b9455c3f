/**
 * Softmax cross-entropy of each row from its logits: loss[r] = -sum_j labels[r, j] * logSoftmax(z[r])_j
 * = sum_j labels[r, j] * (logSumExp(z[r]) - z[r, j]). The row max is subtracted before exp, and
 * everything is accumulated in float64, so large logits (1e3) neither overflow nor lose the loss
 * of a class whose probability underflows float32. Labels need not sum to 1 (label smoothing, soft
 * targets); a NaN logit makes its row NaN.
 */
import type { KernelFn, TensorInfo } from '../kernels.js';
import type { DataArray } from '../../tensor/dtype.js';
import { shapesEqual, shapeToString } from '../../tensor/shape.js';
import { dataOf, output } from './storage.js';

/**
 * Checks what every backend's SoftmaxCrossEntropy(Grad) needs: float32 logits [rows, classes],
 * labels of the same shape and (for the gradient) dy [rows]. Returns [rows, classes].
 */
export function checkSoftmaxCrossEntropy(kernel: string, logits: TensorInfo, labels: TensorInfo, dy?: TensorInfo): [number, number] {
  const shapes = `logits ${shapeToString(logits.shape)}, labels ${shapeToString(labels.shape)}${dy ? `, dy ${shapeToString(dy.shape)}` : ''}`;
  if (logits.shape.length !== 2) throw new Error(`${kernel}: logits must be [rows, classes], got ${shapes}`);
  if (!shapesEqual(labels.shape, logits.shape)) throw new Error(`${kernel}: labels must have the logits' shape, got ${shapes}`);
  const [rows, classes] = logits.shape as [number, number];
  if (dy !== undefined && !shapesEqual(dy.shape, [rows])) throw new Error(`${kernel}: dy must be [rows] = [${rows}], got ${shapes}`);
  for (const [name, t] of [['logits', logits], ['labels', labels], ['dy', dy]] as const) {
    if (t !== undefined && t.dtype !== 'float32') throw new Error(`${kernel}: ${name} must be float32, got ${t.dtype} (${shapes})`);
  }
  return [rows, classes];
}

/** max(z[base .. base + n)), NaN if any is NaN; -Infinity for an empty row. */
export function rowMax(z: DataArray, base: number, n: number): number {
  let m = -Infinity;
  for (let j = 0; j < n; j++) {
    const v = z[base + j]!;
    if (v > m || v !== v) m = v;
  }
  return m;
}

/** logSumExp(z[base .. base + n)) in float64, shifted by the row max. */
export function rowLogSumExp(z: DataArray, base: number, n: number): number {
  const m = rowMax(z, base, n);
  let s = 0;
  for (let j = 0; j < n; j++) s += Math.exp(z[base + j]! - m);
  return m + Math.log(s);
}

export const softmaxCrossEntropy: KernelFn<'SoftmaxCrossEntropy'> = ({ logits, labels }) => {
  const [rows, classes] = checkSoftmaxCrossEntropy('SoftmaxCrossEntropy', logits, labels);
  const z = dataOf(logits), t = dataOf(labels);
  const loss = new Float32Array(rows);
  for (let r = 0, base = 0; r < rows; r++, base += classes) {
    const lse = rowLogSumExp(z, base, classes);
    let acc = 0;
    for (let j = 0; j < classes; j++) acc += t[base + j]! * (lse - z[base + j]!);
    loss[r] = acc;
  }
  return output([rows], 'float32', loss);
};
