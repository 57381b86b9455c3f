/**
 * RandomTranslation (Keras 3): in training shifts each image by a fraction of its height drawn
 * from `heightFactor` and of its width from `widthFactor` (a number f: [-f, f]; a pair:
 * [lower, upper]; within [-1, 1]); positive moves the content down / right. Inference: the identity.
 *
 * Example: `new RandomTranslation(0.1, 0.1)` shifts by up to 10% each way.
 */
import type { Random } from '../../tensor/random.js';
import { type Transform, translationTransform } from './affine.js';
import { type Factor, factorConfig, factorRange } from './factors.js';
import { RandomAffineLayer, type RandomAffineOptions } from './random-affine.js';

export class RandomTranslation extends RandomAffineLayer {
  readonly heightFactor: Factor;
  readonly widthFactor: Factor;
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number];

  constructor(heightFactor: Factor, widthFactor: Factor, options: RandomAffineOptions = {}) {
    super(options);
    this.heightRange = factorRange(heightFactor, 'heightFactor', this.where, [-1, 1]);
    this.widthRange = factorRange(widthFactor, 'widthFactor', this.where, [-1, 1]);
    this.heightFactor = heightFactor;
    this.widthFactor = widthFactor;
  }

  override get className(): string {
    return 'RandomTranslation';
  }

  protected drawTransform(rng: Random, height: number, width: number): Transform {
    const dy = rng.uniform(this.heightRange[0], this.heightRange[1]) * height;
    const dx = rng.uniform(this.widthRange[0], this.widthRange[1]) * width;
    return translationTransform(dy, dx);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), heightFactor: factorConfig(this.heightFactor), widthFactor: factorConfig(this.widthFactor) };
  }
}
