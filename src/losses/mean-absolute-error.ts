/** mean(|yPred - yTrue|) over every element. Example: `meanAbsoluteError(target, prediction)`. */
import { sub } from '../ops/binary.js';
import { mean } from '../ops/reduce.js';
import { abs } from '../ops/unary.js';
import type { Tensor } from '../tensor/tensor.js';
import { Loss, type LossOptions } from './loss.js';
import { matchShapes } from './loss-utils.js';

export function meanAbsoluteError(yTrue: Tensor, yPred: Tensor): Tensor {
  return mean(meanAbsoluteErrorUnreduced(yTrue, yPred));
}

/** The error of each element (yPred's shape), before the mean. */
export function meanAbsoluteErrorUnreduced(yTrue: Tensor, yPred: Tensor): Tensor {
  return abs(sub(yPred, matchShapes('meanAbsoluteError', yTrue, yPred)));
}

/** Keras 3's `MeanAbsoluteError` loss class. */
export class MeanAbsoluteError extends Loss {
  constructor(options: LossOptions = {}) {
    super('mean_absolute_error', options);
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return meanAbsoluteError(yTrue, yPred);
  }

  override unreduced(yTrue: Tensor, yPred: Tensor): Tensor {
    return meanAbsoluteErrorUnreduced(yTrue, yPred);
  }
}
