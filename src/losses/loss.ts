/** A loss maps (yTrue, yPred) to a scalar tensor: the mean over the batch. */
import type { Tensor } from '../tensor/tensor.js';

export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;
