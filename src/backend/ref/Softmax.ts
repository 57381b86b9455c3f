/**
 * Reference Softmax along the last axis. Each row is shifted by its max (so exp never overflows),
 * exponentiated and normalised in float64, and rounded to float32 once: one kernel where the
 * composed op took five (max, subtract, exp, sum, divide), each rounding to float32.
 * Example: softmax([1, 2, 3]) = [0.0900306, 0.2447285, 0.6652410].
 */
import type { KernelFn, TensorInfo } from '../kernels.js';
import type { DataArray } from '../../tensor/dtype.js';
import { shapeToString } from '../../tensor/shape.js';
import { rowMax } from './SoftmaxCrossEntropy.js';
import { dataOf, output } from './storage.js';

/** Checks what every backend's Softmax needs; returns [rows, classes]. */
export function checkSoftmax(x: TensorInfo, kernel = 'Softmax'): [number, number] {
  if (x.dtype !== 'float32') throw new Error(`${kernel}: x must be float32, got ${x.dtype} (shape ${shapeToString(x.shape)})`);
  if (x.shape.length === 0) throw new Error(`${kernel}: x must have an axis to normalise over, got a scalar`);
  const classes = x.shape[x.shape.length - 1]!;
  const size = x.shape.reduce((a, b) => a * b, 1);
  return [classes === 0 ? 0 : size / classes, classes];
}

/**
 * y = softmax of each of the `rows` rows of x (`classes` values each). Shared by the backends
 * (the wasm one passes views of its heap), so both give the same bits. `e` holds one row.
 */
export function softmaxRows(x: DataArray, y: Float32Array, rows: number, classes: number, e: Float64Array): void {
  for (let r = 0, base = 0; r < rows; r++, base += classes) {
    const m = rowMax(x, base, classes);
    let s = 0;
    for (let j = 0; j < classes; j++) {
      e[j] = Math.exp(x[base + j]! - m);
      s += e[j]!;
    }
    for (let j = 0; j < classes; j++) y[base + j] = e[j]! / s;
  }
}

/**
 * y = log-softmax of each row of x: (x - m) - log(sum exp(x - m)) in float64, rounded once. Shared
 * by the backends, as softmaxRows is.
 */
export function logSoftmaxRows(x: DataArray, y: Float32Array, rows: number, classes: number): void {
  for (let r = 0, base = 0; r < rows; r++, base += classes) {
    const m = rowMax(x, base, classes);
    let s = 0;
    for (let j = 0; j < classes; j++) s += Math.exp(x[base + j]! - m);
    const logSum = Math.log(s);
    for (let j = 0; j < classes; j++) y[base + j] = x[base + j]! - m - logSum;
  }
}

export const logSoftmax: KernelFn<'LogSoftmax'> = ({ x }) => {
  const [rows, classes] = checkSoftmax(x, 'LogSoftmax');
  const y = new Float32Array(rows * classes);
  logSoftmaxRows(dataOf(x), y, rows, classes);
  return output([...x.shape], 'float32', y);
};

export const softmax: KernelFn<'Softmax'> = ({ x }) => {
  const [rows, classes] = checkSoftmax(x);
  const y = new Float32Array(rows * classes);
  softmaxRows(dataOf(x), y, rows, classes, new Float64Array(classes));
  return output([...x.shape], 'float32', y);
};
