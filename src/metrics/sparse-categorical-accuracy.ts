/** Share of rows whose largest prediction is at the class index given in yTrue ([N] or [N, 1]). */
import { equal } from '../ops/binary.js';
import { argmax, mean } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';
import { requireFloat } from '../losses/loss-utils.js';
import { sparseLabels } from '../losses/sparse-labels.js';

export function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const name = 'sparseCategoricalAccuracy';
  requireFloat(name, 'yPred', yPred);
  return mean(equal(sparseLabels(name, yTrue, yPred), argmax(yPred, -1)));
}
