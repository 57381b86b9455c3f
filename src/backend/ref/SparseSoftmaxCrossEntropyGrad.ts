/**
 * Gradient of SparseSoftmaxCrossEntropy with respect to the logits, for upstream dy [rows]:
 * dlogits[r, j] = dy[r] * (softmax(z[r])_j - [j = c_r]). The same bits as SoftmaxCrossEntropyGrad
 * of the one-hot rows (whose label sum is exactly 1). float64 inside, float32 out.
 */
import type { KernelFn } from '../kernels.js';
import { rowLogSumExp } from './SoftmaxCrossEntropy.js';
import { checkSparseSoftmaxCrossEntropy, classOfRow } from './SparseSoftmaxCrossEntropy.js';
import { dataOf, output } from './storage.js';

export const sparseSoftmaxCrossEntropyGrad: KernelFn<'SparseSoftmaxCrossEntropyGrad'> = ({ logits, classes, dy }) => {
  const [rows, n] = checkSparseSoftmaxCrossEntropy('SparseSoftmaxCrossEntropyGrad', logits, classes, dy);
  const z = dataOf(logits), c = dataOf(classes), g = dataOf(dy);
  const dz = new Float32Array(rows * n);
  for (let r = 0, base = 0; r < rows; r++, base += n) {
    const k = classOfRow('SparseSoftmaxCrossEntropyGrad', c, r, n);
    const lse = rowLogSumExp(z, base, n);
    for (let j = 0; j < n; j++) dz[base + j] = g[r]! * (Math.exp(z[base + j]! - lse) - (j === k ? 1 : 0));
  }
  return output([rows, n], 'float32', dz);
};
