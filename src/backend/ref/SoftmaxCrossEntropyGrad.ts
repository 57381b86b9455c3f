/**
 * Gradient of SoftmaxCrossEntropy with respect to the logits, for upstream dy [rows]:
 * dlogits[r, j] = dy[r] * (softmax(z[r])_j * sum_k labels[r, k] - labels[r, j]).
 * The sum of the labels is 1 for one-hot targets; it is kept so soft or smoothed targets that do
 * not sum to 1 get the exact gradient. float64 inside, float32 out.
 */
import type { KernelFn } from '../kernels.js';
import { checkSoftmaxCrossEntropy, rowLogSumExp } from './SoftmaxCrossEntropy.js';
import { dataOf, output } from './storage.js';

export const softmaxCrossEntropyGrad: KernelFn<'SoftmaxCrossEntropyGrad'> = ({ logits, labels, dy }) => {
  const [rows, classes] = checkSoftmaxCrossEntropy('SoftmaxCrossEntropyGrad', logits, labels, dy);
  const z = dataOf(logits), t = dataOf(labels), g = dataOf(dy);
  const dz = new Float32Array(rows * classes);
  for (let r = 0, base = 0; r < rows; r++, base += classes) {
    const lse = rowLogSumExp(z, base, classes);
    let labelSum = 0;
    for (let j = 0; j < classes; j++) labelSum += t[base + j]!;
    for (let j = 0; j < classes; j++) {
      // exp(z - logSumExp) is softmax(z) without a separate division by the row sum.
      dz[base + j] = g[r]! * (Math.exp(z[base + j]! - lse) * labelSum - t[base + j]!);
    }
  }
  return output([rows, classes], 'float32', dz);
};
