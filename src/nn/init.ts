/**
 * Initial weights as PyTorch draws them, from a seeded generator. `manualSeed(n)` plays the part
 * of `torch.manual_seed(n)`: every module made afterwards draws from that stream unless it is
 * given its own `rng`.
 */
import { tensor } from '../ops/create.js';
import { Random } from '../tensor/random.js';
import { sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

let defaultRng = new Random();

/** Reseeds the generator that module constructors use by default. */
export function manualSeed(seed: number): void {
  defaultRng = new Random(seed);
}

export function defaultGenerator(): Random {
  return defaultRng;
}

/** U(-bound, bound) values of `shape`. */
export function uniform(shape: readonly number[], bound: number, rng: Random = defaultRng): Tensor {
  const values = new Float32Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-bound, bound);
  return tensor(values, shape);
}

/**
 * PyTorch's default for Conv2d and Linear weights and biases: kaiming_uniform with a = sqrt(5),
 * which works out to U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
 */
export function defaultUniform(shape: readonly number[], fanIn: number, rng: Random = defaultRng): Tensor {
  return uniform(shape, fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0, rng);
}
