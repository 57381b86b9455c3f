/**
 * Which tensors are sigmoid outputs, and of which logits: the binary counterpart of
 * softmax-logits.ts. Keras 3's TensorFlow backend marks a sigmoid's output with its logits and
 * binary cross-entropy reads them: softplus(x) - x * y is the same loss without log(clip(p)),
 * exact where p rounds to 0 or 1 in float32 (from |x| > ~16) and clipping would cap the loss.
 *
 * Keyed weakly by the output: an entry never keeps the output alive, and keeps the logits only
 * as long as the output lives (a step scope may still release them first).
 */
import type { Tensor } from '../tensor/tensor.js';

const origins = new WeakMap<Tensor, Tensor>();

/** Records that `output` = sigmoid(`logits`). */
export function rememberSigmoid(output: Tensor, logits: Tensor): void {
  origins.set(output, logits);
}

/** The logits `t` is the sigmoid of, or null (not a sigmoid output, or logits already released). */
export function sigmoidLogitsOf(t: Tensor): Tensor | null {
  const logits = origins.get(t);
  return logits === undefined || logits.isReleased ? null : logits;
}
