/**
 * Binary cross-entropy for independent yes/no outputs, mean over every element:
 *   probabilities (default): p clipped to [1e-7, 1 - 1e-7]; loss = -(y log p + (1 - y) log(1 - p))
 *   logits (fromLogits):     loss = softplus(x) - x * y, which equals the above with p = sigmoid(x)
 *                            but never takes log(0) and has the exact gradient sigmoid(x) - y
 *   a sigmoid output (a Dense with activation 'sigmoid', `sigmoid(x)`): the logits formula on x,
 *                            as Keras 3's TensorFlow backend does. Same loss except where p is
 *                            within 1e-7 of 0 or 1, where clipping would cap it near 16.1:
 *                            binaryCrossentropy([[0, 1]], sigmoid([[20, -20]])) is 20, not 16.03.
 * `labelSmoothing` s replaces y by y * (1 - s) + s / 2 (Keras semantics).
 * Example: `binaryCrossentropy(tensor([[1], [0]]), tensor([[0.9], [0.2]]))`.
 */
import { add, mul, sub } from '../ops/binary.js';
import { mean } from '../ops/reduce.js';
import { log, neg, softplus } from '../ops/unary.js';
import type { Tensor } from '../tensor/tensor.js';
import { sigmoidLogitsOf } from '../ops/logits-origin.js';
import { Loss, type LossOptions } from './loss.js';
import { clip, EPSILON, matchShapes } from './loss-utils.js';

export interface BinaryCrossentropyOptions {
  fromLogits?: boolean;
  labelSmoothing?: number;
}

export function binaryCrossentropy(yTrue: Tensor, yPred: Tensor, options: BinaryCrossentropyOptions = {}): Tensor {
  return mean(binaryCrossentropyUnreduced(yTrue, yPred, options));
}

/** The loss of each element (yPred's shape), before the mean. */
export function binaryCrossentropyUnreduced(yTrue: Tensor, yPred: Tensor, options: BinaryCrossentropyOptions = {}): Tensor {
  const name = 'binaryCrossentropy';
  let y = matchShapes(name, yTrue, yPred);
  const smoothing = options.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing <= 1)) throw new Error(`${name}: labelSmoothing must be in [0, 1], got ${smoothing}`);
  if (smoothing > 0) y = add(mul(y, 1 - smoothing), smoothing / 2);
  const logits = options.fromLogits ? yPred : sigmoidLogitsOf(yPred);
  if (logits !== null) return sub(softplus(logits), mul(logits, y));
  const p = clip(yPred, EPSILON, 1 - EPSILON);
  return neg(add(mul(y, log(p)), mul(sub(1, y), log(sub(1, p)))));
}

/** Keras 3's `BinaryCrossentropy` loss class. */
export class BinaryCrossentropy extends Loss {
  readonly options: Readonly<BinaryCrossentropyOptions>;

  constructor(options: BinaryCrossentropyOptions & LossOptions = {}) {
    super('binary_crossentropy', options);
    this.options = { fromLogits: options.fromLogits ?? false, labelSmoothing: options.labelSmoothing ?? 0 };
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return binaryCrossentropy(yTrue, yPred, this.options);
  }

  override unreduced(yTrue: Tensor, yPred: Tensor): Tensor {
    return binaryCrossentropyUnreduced(yTrue, yPred, this.options);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...this.options };
  }
}
