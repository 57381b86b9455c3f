/**
 * The training subset and its validation images. The subset is the first N training images (as
 * `loadMnist({ limitTrain })` takes them); validation uses the 1,000 training images after it, so
 * all N train. With all 60,000 chosen, the last 1,000 are held out instead (Keras's
 * validationSplit takes them from the end too).
 */
import { type Tensor, slice } from 'fovea';
import type { LabMnist } from '../lab-context.js';

export const SUBSET_SIZES = [1000, 6000, 12000, 30000, 60000] as const;
const VALIDATION = 1000;

export interface TrainData {
  x: Tensor;
  y: Tensor;
  valX: Tensor;
  valY: Tensor;
}

export function trainData(mnist: LabMnist, size: number): TrainData {
  const available = mnist.trainImages.shape[0];
  if (!Number.isInteger(size) || size < 1 || size > available) throw new Error(`Train: the subset must hold 1 to ${available} images, got ${size}`);
  const trainCount = size + VALIDATION <= available ? size : size - VALIDATION;
  const valStart = trainCount;
  return {
    x: slice(mnist.trainImages, [0], [trainCount]),
    y: slice(mnist.trainLabels, [0], [trainCount]),
    valX: slice(mnist.trainImages, [valStart], [VALIDATION]),
    valY: slice(mnist.trainLabels, [valStart], [VALIDATION]),
  };
}
