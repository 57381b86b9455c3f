/** Options every zoo builder takes, and the generator an nn build draws its weights from. */
import { defaultGenerator } from '../nn/init.js';
import { Random } from '../tensor/random.js';

export interface ZooOptions {
  /** Fixes every initial weight; without it, Keras-style models draw from a fresh seed and nn ones from `nn.manualSeed`'s generator. */
  seed?: number;
}

export function nnGenerator(options: ZooOptions): Random {
  return options.seed === undefined ? defaultGenerator() : new Random(options.seed);
}
