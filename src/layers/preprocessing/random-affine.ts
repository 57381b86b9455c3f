/**
 * The base of RandomRotation, RandomZoom and RandomTranslation: in training each image gets its
 * own random transform (drawn by the subclass), resampled with `interpolation` and filled outside
 * the image by `fillMode` ('reflect' by default, as Keras) / `fillValue`; in inference the identity.
 */
import type { FillMode, Interpolation } from '../../backend/kernels.js';
import { imageTransform } from '../../ops/image-transform.js';
import type { Random } from '../../tensor/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { CallOptions, SymbolicShape } from '../layer.js';
import type { Transform } from './affine.js';
import { checkFillMode, checkInterpolation } from './factors.js';
import { type ImageLayerArgs, ImagePreprocessingLayer } from './image-layer.js';

export interface RandomAffineOptions extends ImageLayerArgs {
  fillMode?: FillMode;
  interpolation?: Interpolation;
  fillValue?: number;
}

export abstract class RandomAffineLayer extends ImagePreprocessingLayer {
  readonly fillMode: FillMode;
  readonly interpolation: Interpolation;
  readonly fillValue: number;

  constructor(options: RandomAffineOptions) {
    super(options);
    this.fillMode = checkFillMode(options.fillMode, 'reflect', this.where);
    this.interpolation = checkInterpolation(options.interpolation, this.where);
    this.fillValue = options.fillValue ?? 0;
    if (!Number.isFinite(this.fillValue)) throw new Error(`${this.where}: fillValue must be a finite number, got ${options.fillValue}`);
  }

  /** One image's transform for an h x w image. */
  protected abstract drawTransform(rng: Random, height: number, width: number): Transform;

  computeOutputShape(s: SymbolicShape): SymbolicShape {
    this.assertInputShape(s);
    return s;
  }

  call(x: Tensor, options: CallOptions = {}): Tensor {
    if (!options.training) return x;
    return this.inNhwc(x, (t) => {
      const [n, h, w] = t.shape;
      const transforms = Array.from({ length: n }, () => this.drawTransform(this.random, h, w));
      return imageTransform(t, transforms, { interpolation: this.interpolation, fillMode: this.fillMode, fillValue: this.fillValue });
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue, seed: this.seed };
  }
}
