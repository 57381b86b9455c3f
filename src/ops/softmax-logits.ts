/**
 * Which tensors are softmax outputs, and of which logits along which axis. Keras 3's TensorFlow
 * backend marks a softmax's output with its logits (`_keras_logits`) and its cross-entropy losses
 * use them when given that output: softmax-cross-entropy from the logits is the same loss without
 * log(clip(p)), exact where p underflows (p < 1e-7 is clipped otherwise), and a single kernel each
 * way instead of a dozen. Fovea does the same through this side table, so tensors carry no extra
 * field and the softmax output keeps its value.
 *
 * Keyed weakly by the output: an entry never keeps the output alive, and keeps the logits only as
 * long as the output lives (a step scope may still release them first; see `softmaxLogitsOf`).
 */
import type { Tensor } from '../tensor/tensor.js';

interface SoftmaxOrigin {
  readonly logits: Tensor;
  /** Non-negative axis the softmax was taken along. */
  readonly axis: number;
}

const origins = new WeakMap<Tensor, SoftmaxOrigin>();

/** Records that `output` = softmax(`logits`) along `axis` (non-negative). */
export function rememberSoftmax(output: Tensor, logits: Tensor, axis: number): void {
  origins.set(output, { logits, axis });
}

/**
 * The logits `t` is the softmax of along `axis` (non-negative), or null when `t` is not a softmax
 * output, was taken along another axis, or its logits were released by a finished step scope
 * (a prediction kept past its step).
 */
export function softmaxLogitsOf(t: Tensor, axis: number): Tensor | null {
  const origin = origins.get(t);
  if (origin === undefined || origin.axis !== axis || origin.logits.isReleased) return null;
  return origin.logits;
}
