/** mean((yPred - yTrue)^2) over every element. Example: `meanSquaredError(target, prediction)`. */
import { sub } from '../ops/binary.js';
import { mean } from '../ops/reduce.js';
import { square } from '../ops/unary.js';
import type { Tensor } from '../tensor/tensor.js';
import { Loss, type LossOptions } from './loss.js';
import { matchShapes } from './loss-utils.js';

export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Tensor {
  return mean(square(sub(yPred, matchShapes('meanSquaredError', yTrue, yPred))));
}

/** Keras 3's `MeanSquaredError` loss class. */
export class MeanSquaredError extends Loss {
  constructor(options: LossOptions = {}) {
    super('mean_squared_error', options);
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return meanSquaredError(yTrue, yPred);
  }
}
