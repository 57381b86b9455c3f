/** Share of elements where (yPred > threshold) equals the 0/1 target; Keras' threshold is 0.5. */
import { equal, greater } from '../ops/binary.js';
import { mean } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';
import { matchShapes } from '../losses/loss-utils.js';

export function binaryAccuracy(yTrue: Tensor, yPred: Tensor, threshold = 0.5): Tensor {
  const target = matchShapes('binaryAccuracy', yTrue, yPred);
  return mean(equal(target, greater(yPred, threshold)));
}
