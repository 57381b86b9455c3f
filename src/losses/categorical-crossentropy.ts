/**
 * Categorical cross-entropy between one-hot (or soft) targets and predictions, mean over the batch:
 *   probabilities (default): p = yPred / sum(yPred) along `axis`, clipped to [1e-7, 1 - 1e-7];
 *                            loss = -sum(yTrue * log(p))
 *   logits (fromLogits):     loss = -sum(yTrue * logSoftmax(yPred))
 *   a softmax output along `axis` (a Dense with activation 'softmax', `softmax(z)`): the logits
 *                            formula on z, as Keras 3's TensorFlow backend does. Same loss except
 *                            where p < 1e-7 (there the exact -log(p) instead of -log(1e-7)), and
 *                            one kernel each way instead of a dozen.
 * `labelSmoothing` s replaces yTrue by yTrue * (1 - s) + s / numClasses (Keras semantics).
 * Example: `categoricalCrossentropy(toCategorical([2, 0], 3), model.predict(x))`.
 */
import { add, div, mul } from '../ops/binary.js';
import { mean, sum } from '../ops/reduce.js';
import { softmaxCrossEntropy } from '../ops/softmax-cross-entropy.js';
import { softmaxLogitsOf } from '../ops/logits-origin.js';
import { log, neg } from '../ops/unary.js';
import { normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Loss, type LossOptions } from './loss.js';
import { clip, EPSILON, matchShapes } from './loss-utils.js';

export interface CategoricalCrossentropyOptions {
  fromLogits?: boolean;
  labelSmoothing?: number;
  axis?: number;
}

export function categoricalCrossentropy(yTrue: Tensor, yPred: Tensor, options: CategoricalCrossentropyOptions = {}): Tensor {
  return mean(categoricalCrossentropyUnreduced(yTrue, yPred, options));
}

/** The loss of each sample (yPred's shape without `axis`), before the mean. */
export function categoricalCrossentropyUnreduced(yTrue: Tensor, yPred: Tensor, options: CategoricalCrossentropyOptions = {}): Tensor {
  const name = 'categoricalCrossentropy';
  let target = matchShapes(name, yTrue, yPred);
  const axis = normalizeAxis(options.axis ?? -1, yPred.rank, name);
  const smoothing = options.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing <= 1)) throw new Error(`${name}: labelSmoothing must be in [0, 1], got ${smoothing}`);
  if (smoothing > 0) target = add(mul(target, 1 - smoothing), smoothing / yPred.shape[axis]);
  return crossentropyAlong(target, yPred, axis, options.fromLogits ?? false);
}

/**
 * Per-sample cross-entropy (the class axis, non-negative, summed away); shared with the sparse
 * variant. Probabilities that are a softmax output along `axis` are taken from their logits.
 */
export function crossentropyAlong(target: Tensor, yPred: Tensor, axis: number, fromLogits: boolean): Tensor {
  const logits = fromLogits ? yPred : softmaxLogitsOf(yPred, axis);
  if (logits !== null) return softmaxCrossEntropy(target, logits, axis);
  const logP = log(clip(div(yPred, sum(yPred, axis, true)), EPSILON, 1 - EPSILON));
  return neg(sum(mul(target, logP), axis));
}

/** Keras 3's `CategoricalCrossentropy` loss class: the options once, then `compile({ loss })`. */
export class CategoricalCrossentropy extends Loss {
  readonly options: Readonly<CategoricalCrossentropyOptions>;

  constructor(options: CategoricalCrossentropyOptions & LossOptions = {}) {
    super('categorical_crossentropy', options);
    this.options = { fromLogits: options.fromLogits ?? false, labelSmoothing: options.labelSmoothing ?? 0, axis: options.axis ?? -1 };
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return categoricalCrossentropy(yTrue, yPred, this.options);
  }

  override unreduced(yTrue: Tensor, yPred: Tensor): Tensor {
    return categoricalCrossentropyUnreduced(yTrue, yPred, this.options);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...this.options };
  }
}
