/**
 * Inverted dropout: in training each value is zeroed with probability p and the survivors are
 * scaled by 1 / (1 - p), so evaluation needs no rescaling.
 */
import { mul } from '../ops/binary.js';
import { tensor } from '../ops/create.js';
import type { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { defaultGenerator } from './init.js';

export function dropout(x: Tensor, p = 0.5, training = true, rng: Random = defaultGenerator()): Tensor {
  if (!(p >= 0 && p <= 1)) throw new Error(`F.dropout: p must be between 0 and 1, got ${p}`);
  if (!training || p === 0) return x;
  const mask = new Float32Array(x.size);
  const scale = p === 1 ? 0 : 1 / (1 - p);
  for (let i = 0; i < mask.length; i++) mask[i] = rng.next() < p ? 0 : scale;
  return mul(x, tensor(mask, x.shape));
}
