/** mean((yPred - yTrue)^2) over every element. Example: `meanSquaredError(target, prediction)`. */
import { sub } from '../ops/binary.js';
import { mean } from '../ops/reduce.js';
import { square } from '../ops/unary.js';
import type { Tensor } from '../tensor/tensor.js';
import { Loss, type LossOptions } from './loss.js';
import { matchShapes } from './loss-utils.js';

export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Tensor {
  return mean(meanSquaredErrorUnreduced(yTrue, yPred));
}

/** The error of each element (yPred's shape), before the mean. */
export function meanSquaredErrorUnreduced(yTrue: Tensor, yPred: Tensor): Tensor {
  return square(sub(yPred, matchShapes('meanSquaredError', yTrue, yPred)));
}

/** Keras 3's `MeanSquaredError` loss class. */
export class MeanSquaredError extends Loss {
  constructor(options: LossOptions = {}) {
    super('mean_squared_error', options);
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return meanSquaredError(yTrue, yPred);
  }

  override unreduced(yTrue: Tensor, yPred: Tensor): Tensor {
    return meanSquaredErrorUnreduced(yTrue, yPred);
  }
}
