/**
 * The slide's LeNet-5 (lenet5.ts) as a Keras-style Sequential, NHWC 28x28x1 -> 10 classes:
 *
 *   conv 20 5x5 relu -> 24x24x20, max pool 2 -> 12x12x20, conv 20 5x5 relu -> 8x8x20,
 *   max pool 2 -> 4x4x20, flatten 320, dense 500 relu, dense 10 softmax
 *
 * 176,050 parameters, as the nn version and torch_zoo.py's lenet5. Flatten reads NHWC, so the
 * 320 features come in a different order than PyTorch's NCHW view: same function class, and a
 * weight file moves between the two only with fc1's rows permuted.
 */
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { Flatten } from '../layers/flatten.js';
import { MaxPooling2D } from '../layers/max-pooling2d.js';
import { Sequential } from '../models/sequential.js';
import type { ZooOptions } from './zoo-options.js';

export function lenet5Keras(options: ZooOptions = {}): Sequential {
  return new Sequential({
    name: 'lenet5',
    seed: options.seed,
    layers: [
      new Conv2D(20, 5, { activation: 'relu', inputShape: [28, 28, 1] }),
      new MaxPooling2D([2, 2]),
      new Conv2D(20, 5, { activation: 'relu' }),
      new MaxPooling2D([2, 2]),
      new Flatten(),
      new Dense(500, { activation: 'relu' }),
      new Dense(10, { activation: 'softmax' }),
    ],
  });
}
