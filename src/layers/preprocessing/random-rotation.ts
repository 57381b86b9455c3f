/**
 * RandomRotation (Keras 3): in training rotates each image about its centre by a random angle of
 * `factor` turns: a number f draws from [-f, f] x 2 pi, a pair [lower, upper] from
 * [lower, upper] x 2 pi (positive is counter-clockwise). Inference: the identity.
 *
 * Example: `new RandomRotation(0.1)` rotates by up to +-36 degrees.
 */
import type { Random } from '../../tensor/random.js';
import { rotationTransform, type Transform } from './affine.js';
import { type Factor, factorConfig, factorRange } from './factors.js';
import { RandomAffineLayer, type RandomAffineOptions } from './random-affine.js';

export class RandomRotation extends RandomAffineLayer {
  readonly factor: Factor;
  private readonly range: [number, number];

  constructor(factor: Factor, options: RandomAffineOptions = {}) {
    super(options);
    this.range = factorRange(factor, 'factor', this.where);
    this.factor = factor;
  }

  override get className(): string {
    return 'RandomRotation';
  }

  protected drawTransform(rng: Random, height: number, width: number): Transform {
    return rotationTransform(rng.uniform(this.range[0], this.range[1]) * 2 * Math.PI, height, width);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: factorConfig(this.factor) };
  }
}
