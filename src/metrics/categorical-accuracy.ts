/** Share of rows whose largest prediction is the target's largest entry (one-hot targets). */
import { equal } from '../ops/binary.js';
import { argmax, mean } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';
import { matchShapes } from '../losses/loss-utils.js';

export function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const target = matchShapes('categoricalAccuracy', yTrue, yPred);
  return mean(equal(argmax(target, -1), argmax(yPred, -1)));
}
