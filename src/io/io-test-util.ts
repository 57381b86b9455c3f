/** Small models and helpers shared by the I/O tests. */
import '../backend/engine.js';
import { Conv2D } from '../layers/conv2d.js';
import { GlobalAveragePooling2D } from '../layers/global-pooling2d.js';
import { input } from '../layers/input.js';
import { Add, Concatenate } from '../layers/merge.js';
import { Dense } from '../layers/dense.js';
import { Flatten } from '../layers/flatten.js';
import { MaxPooling2D } from '../layers/max-pooling2d.js';
import { Model } from '../models/functional.js';
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

/**
 * A residual block with two branches: conv -> (conv 3x3 relu | conv 1x1) -> Add with the block's
 * input -> global average pooling -> dense(3, softmax), on 8x8x2 inputs.
 */
export function residualTwoBranch(seed = 1): Model {
  const x = input({ shape: [8, 8, 2], name: 'image' });
  const h = new Conv2D(4, 3, { padding: 'same', activation: 'relu', name: 'stem' }).apply(x);
  const a = new Conv2D(4, 3, { padding: 'same', activation: 'relu', name: 'branch_a' }).apply(h);
  const b = new Conv2D(4, 1, { name: 'branch_b' }).apply(h);
  const sum = new Add({ name: 'residual' }).apply([h, a, b]);
  const pooled = new GlobalAveragePooling2D({ name: 'gap' }).apply(sum);
  return new Model({ inputs: x, outputs: new Dense(3, { activation: 'softmax', name: 'probs' }).apply(pooled), name: 'residual_two_branch', seed });
}

/**
 * Two inputs (an 8x8x1 image and a 3-vector) and two outputs (3 class probabilities and one
 * number); one Dense is shared by both branches, so it has two nodes.
 */
export function twoInTwoOut(seed = 1): Model {
  const image = input({ shape: [8, 8, 1], name: 'image' });
  const meta = input({ shape: [3], name: 'meta' });
  const features = new GlobalAveragePooling2D({ name: 'gap' }).apply(new Conv2D(3, 3, { activation: 'relu', name: 'conv' }).apply(image));
  const shared = new Dense(3, { activation: 'tanh', name: 'shared' });
  const joined = new Concatenate({ name: 'joined' }).apply([shared.apply(features), shared.apply(meta)]);
  const probs = new Dense(3, { activation: 'softmax', name: 'probs' }).apply(joined);
  const value = new Dense(1, { name: 'value' }).apply(joined);
  return new Model({ inputs: [image, meta], outputs: [probs, value], name: 'two_in_two_out', seed });
}
