/**
 * Resizing (Keras 3): resizes a batch of images to height x width (bilinear by default), after
 * optionally cropping (`cropToAspectRatio`) or padding (`padToAspectRatio`, with `fillValue`) to
 * the target's aspect ratio so nothing is distorted. The same in training and inference.
 *
 * Example: `new Resizing(32, 32)` maps [None, 64, 48, 3] to [None, 32, 32, 3].
 */
import type { Interpolation } from '../../backend/kernels.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { CallOptions, SymbolicShape } from '../layer.js';
import { checkFillMode, checkInterpolation, checkTargetSize } from './factors.js';
import { type ImageLayerArgs, ImagePreprocessingLayer } from './image-layer.js';
import { resizeImages } from './resize-images.js';

export interface ResizingOptions extends ImageLayerArgs {
  interpolation?: Interpolation;
  cropToAspectRatio?: boolean;
  padToAspectRatio?: boolean;
  /** Keras accepts only 'constant' (the padding of `padToAspectRatio`). */
  fillMode?: 'constant';
  fillValue?: number;
  /** Keras's antialias; only false (Fovea does not antialias). */
  antialias?: boolean;
}

export class Resizing extends ImagePreprocessingLayer {
  readonly height: number;
  readonly width: number;
  readonly interpolation: Interpolation;
  readonly cropToAspectRatio: boolean;
  readonly padToAspectRatio: boolean;
  readonly fillValue: number;

  constructor(height: number, width: number, options: ResizingOptions = {}) {
    super(options);
    checkTargetSize(height, width, this.where);
    this.height = height;
    this.width = width;
    this.interpolation = checkInterpolation(options.interpolation, this.where);
    this.cropToAspectRatio = options.cropToAspectRatio ?? false;
    this.padToAspectRatio = options.padToAspectRatio ?? false;
    if (this.cropToAspectRatio && this.padToAspectRatio) throw new Error(`${this.where}: cropToAspectRatio and padToAspectRatio cannot both be true`);
    if (checkFillMode(options.fillMode, 'constant', this.where) !== 'constant') throw new Error(`${this.where}: fillMode must be 'constant' (the only mode Keras's Resizing takes), got '${options.fillMode}'`);
    if (options.antialias === true) throw new Error(`${this.where}: antialias: true is not supported (Fovea resizes without antialiasing)`);
    this.fillValue = options.fillValue ?? 0;
  }

  override get className(): string {
    return 'Resizing';
  }

  computeOutputShape(s: SymbolicShape): SymbolicShape {
    this.assertInputShape(s);
    return this.withSpatial(s, this.height, this.width);
  }

  call(x: Tensor, _options?: CallOptions): Tensor {
    return this.inNhwc(x, (t) => resizeImages(t, this.height, this.width, this));
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), height: this.height, width: this.width, interpolation: this.interpolation, cropToAspectRatio: this.cropToAspectRatio,
      padToAspectRatio: this.padToAspectRatio, fillMode: 'constant', fillValue: this.fillValue, antialias: false,
    };
  }
}
