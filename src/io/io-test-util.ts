/** Small models and helpers shared by the I/O tests. */
import '../backend/register.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { Flatten } from '../layers/flatten.js';
import { MaxPooling2D } from '../layers/max-pooling2d.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/create.js';
import { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';

/** conv(4 filters 3x3) -> maxpool -> flatten -> dense(3, softmax) on 8x8x2 inputs. */
export function smallCnn(seed = 1, name = 'small_cnn'): Sequential {
  const model = new Sequential({ seed, name });
  model.add(new Conv2D(4, 3, { activation: 'relu', inputShape: [8, 8, 2], name: 'conv2d' }));
  model.add(new MaxPooling2D(2, { name: 'max_pooling2d' }));
  model.add(new Flatten({ name: 'flatten' }));
  model.add(new Dense(3, { activation: 'softmax', name: 'dense' }));
  return model;
}

export function randomInput(count: number, shape: readonly number[], seed: number): Tensor {
  const rng = new Random(seed);
  const size = count * shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from({ length: size }, () => rng.uniform(-1, 1)), [count, ...shape]);
}

/** Bit patterns of float32 values, so comparisons are exact (NaN-safe, -0 distinct). */
export function bits(values: ArrayLike<number>): number[] {
  return Array.from(new Uint32Array(Float32Array.from(values).buffer));
}
