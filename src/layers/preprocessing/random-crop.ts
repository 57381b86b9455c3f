/**
 * RandomCrop (Keras 3): in training, a height x width window at a random position (one per batch,
 * as Keras draws it); in inference, and for images smaller than the target, the largest centred
 * window of the target's aspect ratio resized to height x width. So the output always has the
 * target size, and inference is deterministic.
 *
 * Example: `new RandomCrop(28, 28, { seed: 1 })` after padding 32x32 images.
 */
import type { Tensor } from '../../tensor/tensor.js';
import type { CallOptions, SymbolicShape } from '../layer.js';
import { cropOrResize } from './crop-windows.js';
import { checkTargetSize } from './factors.js';
import { type ImageLayerArgs, ImagePreprocessingLayer } from './image-layer.js';
import { resizeImages } from './resize-images.js';

export class RandomCrop extends ImagePreprocessingLayer {
  readonly height: number;
  readonly width: number;

  constructor(height: number, width: number, options: ImageLayerArgs = {}) {
    super(options);
    checkTargetSize(height, width, this.where);
    this.height = height;
    this.width = width;
  }

  override get className(): string {
    return 'RandomCrop';
  }

  computeOutputShape(s: SymbolicShape): SymbolicShape {
    this.assertInputShape(s);
    return this.withSpatial(s, this.height, this.width);
  }

  call(x: Tensor, options: CallOptions = {}): Tensor {
    if (!options.training) return this.inNhwc(x, (t) => resizeImages(t, this.height, this.width, { cropToAspectRatio: true }));
    const rng = this.random;
    const corner = (h: number, w: number): [number, number] => [Math.floor(rng.next() * (h - this.height + 1)), Math.floor(rng.next() * (w - this.width + 1))];
    return this.inNhwc(x, (t) => cropOrResize(t, this.height, this.width, corner));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height: this.height, width: this.width, seed: this.seed };
  }
}
