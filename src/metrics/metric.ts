/** A metric maps (yTrue, yPred) to a scalar tensor: its mean over the batch. */
import type { Tensor } from '../tensor/tensor.js';

export type MetricFn = (yTrue: Tensor, yPred: Tensor) => Tensor;
