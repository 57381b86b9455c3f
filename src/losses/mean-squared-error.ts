/** mean((yPred - yTrue)^2) over every element. Example: `meanSquaredError(target, prediction)`. */
import { sub } from '../ops/binary.js';
import { mean } from '../ops/reduce.js';
import { square } from '../ops/unary.js';
import type { Tensor } from '../tensor/tensor.js';
import { matchShapes } from './loss-utils.js';

export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Tensor {
  return mean(square(sub(yPred, matchShapes('meanSquaredError', yTrue, yPred))));
}
