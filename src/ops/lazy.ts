/**
 * Lazy values: an op whose output is often never read returns it deferred (tensor.ts `Deferred`),
 * computed on first read in the recording mode it was asked in. `F.logSoftmax` at the end of a
 * PyTorch-style forward is the case: `F.nllLoss` and `F.crossEntropy` start from its logits
 * (logits-origin.ts), so in training its value is never needed, and its six small kernels per step
 * (max, subtract, exp, sum, log, subtract) need not run.
 *
 * Inside a step scope the value is computed at once: the scope may release the inputs before
 * anyone reads the output. Outside one, the deferred tensor holds its inputs, and they never
 * change (tensors are immutable), so a late read computes exactly what an early one would.
 */
import { isGradEnabled, withGradMode } from '../autograd/grad-mode.js';
import { insideScope, trackTensor } from '../tensor/scope.js';
import type { DType } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

export function lazily(shape: Shape, dtype: DType, compute: () => Tensor): Tensor {
  if (insideScope()) return compute();
  const recording = isGradEnabled();
  const t = new Tensor({ resolve: (self) => self.fulfil(withGradMode(recording, compute)) }, shape, dtype);
  trackTensor(t);
  return t;
}
