/**
 * Which tensors are softmax or sigmoid outputs, and of which logits. Keras 3's TensorFlow backend
 * marks such an output with its logits (`_keras_logits`) and its cross-entropy losses start from
 * them when given that output: the same loss without log(clip(p)), exact where p underflows or
 * rounds to 0 or 1 in float32 (clipping would cap it), and one kernel each way instead of a dozen.
 * Fovea does the same with a field on the output (`Tensor.logitsOrigin`), so the rule holds on
 * every path that computes a softmax or sigmoid, whatever built the model. The output keeps its
 * logits alive as long as it lives; a finished step scope may still release them first.
 */
import type { Tensor } from '../tensor/tensor.js';

/** Records that `output` = softmax(`logits`) along `axis` (non-negative). */
export function rememberSoftmax(output: Tensor, logits: Tensor, axis: number): void {
  output.logitsOrigin = { kind: 'softmax', logits, axis };
}

/** Records that `output` = logSoftmax(`logits`) along `axis` (non-negative). */
export function rememberLogSoftmax(output: Tensor, logits: Tensor, axis: number): void {
  output.logitsOrigin = { kind: 'logSoftmax', logits, axis };
}

/**
 * The logits `t` is the log-softmax of along `axis` (non-negative), or null. Cross-entropy of
 * log-probabilities, and their negative log-likelihood, equal the cross-entropy of these logits
 * (logSoftmax(logSoftmax(z)) = logSoftmax(z)): PyTorch's `nll_loss(log_softmax(z))` idiom runs
 * as one kernel each way.
 */
export function logSoftmaxLogitsOf(t: Tensor, axis: number): Tensor | null {
  const origin = t.logitsOrigin;
  if (origin === null || origin.kind !== 'logSoftmax' || origin.axis !== axis || origin.logits.isReleased) return null;
  return origin.logits;
}

/** Records that `output` = sigmoid(`logits`). */
export function rememberSigmoid(output: Tensor, logits: Tensor): void {
  output.logitsOrigin = { kind: 'sigmoid', logits, axis: -1 };
}

/**
 * The logits `t` is the softmax of along `axis` (non-negative), or null when `t` is not a softmax
 * output, was taken along another axis, or its logits were released by a finished step scope.
 */
export function softmaxLogitsOf(t: Tensor, axis: number): Tensor | null {
  const origin = t.logitsOrigin;
  if (origin === null || origin.kind !== 'softmax' || origin.axis !== axis || origin.logits.isReleased) return null;
  return origin.logits;
}

/** The logits `t` is the sigmoid of, or null (not a sigmoid output, or logits already released). */
export function sigmoidLogitsOf(t: Tensor): Tensor | null {
  const origin = t.logitsOrigin;
  return origin === null || origin.kind !== 'sigmoid' || origin.logits.isReleased ? null : origin.logits;
}
