/**
 * Cross-entropy against class indices instead of one-hot rows: yTrue int32 (or integer-valued
 * float32) of shape [N] or [N, 1], yPred [N, C]; the value and gradients of categoricalCrossentropy
 * on the labels' one-hot rows. Logits (`fromLogits`) and a softmax output (a Dense with activation
 * 'softmax', an Activation('softmax') layer, `softmax(z)`: read through its logits, as Keras 3's
 * TensorFlow backend does) go to the SparseSoftmaxCrossEntropy kernel as indices, so a training
 * step builds no one-hot tensor; only other probabilities take the one-hot form.
 * Example: `sparseCategoricalCrossentropy(tensor([2, 0], [2], 'int32'), logits, { fromLogits: true })`.
 */
import { softmaxLogitsOf } from '../ops/logits-origin.js';
import { mean } from '../ops/reduce.js';
import { oneHot } from '../ops/shape-ops.js';
import { sparseSoftmaxCrossEntropy } from '../ops/sparse-softmax-cross-entropy.js';
import type { Tensor } from '../tensor/tensor.js';
import { crossentropyAlong } from './categorical-crossentropy.js';
import { Loss, type LossOptions } from './loss.js';
import { requireFloat } from './loss-utils.js';
import { sparseLabels } from './sparse-labels.js';

export interface SparseCategoricalCrossentropyOptions {
  fromLogits?: boolean;
}

export function sparseCategoricalCrossentropy(yTrue: Tensor, yPred: Tensor, options: SparseCategoricalCrossentropyOptions = {}): Tensor {
  return mean(sparseCategoricalCrossentropyUnreduced(yTrue, yPred, options));
}

/** The loss of each sample (yPred's shape without the class axis), before the mean. */
export function sparseCategoricalCrossentropyUnreduced(yTrue: Tensor, yPred: Tensor, options: SparseCategoricalCrossentropyOptions = {}): Tensor {
  const name = 'sparseCategoricalCrossentropy';
  requireFloat(name, 'yPred', yPred);
  const labels = sparseLabels(name, yTrue, yPred);
  const axis = yPred.rank - 1;
  const logits = options.fromLogits === true ? yPred : softmaxLogitsOf(yPred, axis);
  if (logits !== null) return sparseSoftmaxCrossEntropy(labels, logits);
  // The one-hot form stays only here, for probabilities that are no softmax output: the loss is
  // then -log(clip(q)[label]) with q = p / sum(p) (categoricalCrossentropy's formula, Keras's JAX
  // and PyTorch backends'); the kernel on log(clip(q)) would add log(sum(clip(q))), not 0 once
  // clipping moves a value, and leave the categorical loss's value.
  return crossentropyAlong(oneHot(labels, yPred.shape[axis]), yPred, axis, false);
}

/** Keras 3's `SparseCategoricalCrossentropy` loss class. */
export class SparseCategoricalCrossentropy extends Loss {
  readonly options: Readonly<SparseCategoricalCrossentropyOptions>;

  constructor(options: SparseCategoricalCrossentropyOptions & LossOptions = {}) {
    super('sparse_categorical_crossentropy', options);
    this.options = { fromLogits: options.fromLogits ?? false };
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return sparseCategoricalCrossentropy(yTrue, yPred, this.options);
  }

  override unreduced(yTrue: Tensor, yPred: Tensor): Tensor {
    return sparseCategoricalCrossentropyUnreduced(yTrue, yPred, this.options);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...this.options };
  }
}
