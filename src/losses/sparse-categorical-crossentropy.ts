/**
 * Cross-entropy against class indices instead of one-hot rows: yTrue int32 (or integer-valued
 * float32) of shape [N] or [N, 1], yPred [N, C]; same maths as categoricalCrossentropy (a softmax
 * output is read through its logits there too).
 * Example: `sparseCategoricalCrossentropy(tensor([2, 0], [2], 'int32'), logits, { fromLogits: true })`.
 */
import { mean } from '../ops/reduce.js';
import { oneHot } from '../ops/shape-ops.js';
import type { Tensor } from '../tensor/tensor.js';
import { crossentropyAlong } from './categorical-crossentropy.js';
import { Loss, type LossOptions } from './loss.js';
import { requireFloat } from './loss-utils.js';
import { sparseLabels } from './sparse-labels.js';

export interface SparseCategoricalCrossentropyOptions {
  fromLogits?: boolean;
}

export function sparseCategoricalCrossentropy(yTrue: Tensor, yPred: Tensor, options: SparseCategoricalCrossentropyOptions = {}): Tensor {
  const name = 'sparseCategoricalCrossentropy';
  requireFloat(name, 'yPred', yPred);
  const labels = sparseLabels(name, yTrue, yPred);
  const target = oneHot(labels, yPred.shape[yPred.rank - 1]);
  return mean(crossentropyAlong(target, yPred, yPred.rank - 1, options.fromLogits ?? false));
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

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...this.options };
  }
}
