/**
 * RandomZoom (Keras 3): in training zooms each image about its centre by 1 + a factor drawn from
 * `heightFactor` (a number f: [-f, f]; a pair: [lower, upper]; bounds >= -1). Positive zooms out,
 * negative zooms in. `widthFactor` does the same horizontally; null (default) keeps the aspect
 * ratio (the vertical draw is used for both). Inference: the identity.
 *
 * Example: `new RandomZoom(0.2)` zooms by 80% to 120%.
 */
import type { Random } from '../../tensor/random.js';
import { type Transform, zoomTransform } from './affine.js';
import { type Factor, factorConfig, factorRange } from './factors.js';
import { RandomAffineLayer, type RandomAffineOptions } from './random-affine.js';

export interface RandomZoomOptions extends RandomAffineOptions {
  widthFactor?: Factor | null;
}

export class RandomZoom extends RandomAffineLayer {
  readonly heightFactor: Factor;
  readonly widthFactor: Factor | null;
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number] | null;

  constructor(heightFactor: Factor, options: RandomZoomOptions = {}) {
    super(options);
    this.heightRange = factorRange(heightFactor, 'heightFactor', this.where, [-1, Infinity]);
    this.heightFactor = heightFactor;
    this.widthFactor = options.widthFactor ?? null;
    this.widthRange = this.widthFactor === null ? null : factorRange(this.widthFactor, 'widthFactor', this.where, [-1, Infinity]);
  }

  override get className(): string {
    return 'RandomZoom';
  }

  protected drawTransform(rng: Random, height: number, width: number): Transform {
    const zoomY = 1 + rng.uniform(this.heightRange[0], this.heightRange[1]);
    const zoomX = this.widthRange === null ? zoomY : 1 + rng.uniform(this.widthRange[0], this.widthRange[1]);
    return zoomTransform(zoomY, zoomX, height, width);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), heightFactor: factorConfig(this.heightFactor), widthFactor: this.widthFactor === null ? null : factorConfig(this.widthFactor) };
  }
}
