/** mean(|yPred - yTrue|) over every element. Example: `meanAbsoluteError(target, prediction)`. */
import { sub } from '../ops/binary.js';
import { mean } from '../ops/reduce.js';
import { abs } from '../ops/unary.js';
import type { Tensor } from '../tensor/tensor.js';
import { matchShapes } from './loss-utils.js';

export function meanAbsoluteError(yTrue: Tensor, yPred: Tensor): Tensor {
  return mean(abs(sub(yPred, matchShapes('meanAbsoluteError', yTrue, yPred))));
}
