/**
 * The seed CNN from the Keras/TensorFlow tutorials: three 3x3 convolutions with 2x2 max pooling
 * between them, then two dense layers, for 28x28x1 images and 10 classes (93,322 parameters).
 */
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { Flatten } from '../layers/flatten.js';
import { MaxPooling2D } from '../layers/max-pooling2d.js';
import { Sequential } from './sequential.js';

export function mnistCnn(options: { seed?: number; name?: string } = {}): Sequential {
  return new Sequential({
    ...options,
    layers: [
      new Conv2D(32, 3, { activation: 'relu', inputShape: [28, 28, 1] }),
      new MaxPooling2D([2, 2]),
      new Conv2D(64, 3, { activation: 'relu' }),
      new MaxPooling2D([2, 2]),
      new Conv2D(64, 3, { activation: 'relu' }),
      new Flatten(),
      new Dense(64, { activation: 'relu' }),
      new Dense(10, { activation: 'softmax' }),
    ],
  });
}
