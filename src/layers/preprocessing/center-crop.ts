/**
 * CenterCrop (Keras 3): the central height x width window of each image; an image smaller than
 * that is resized (after cropping to the target's aspect ratio). The same in training and inference.
 *
 * Example: `new CenterCrop(24, 24)` maps [None, 28, 28, 1] to [None, 24, 24, 1].
 */
import type { Tensor } from '../../tensor/tensor.js';
import type { CallOptions, SymbolicShape } from '../layer.js';
import { cropOrResize } from './crop-windows.js';
import { checkTargetSize } from './factors.js';
import { type ImageLayerArgs, ImagePreprocessingLayer } from './image-layer.js';

export class CenterCrop extends ImagePreprocessingLayer {
  readonly height: number;
  readonly width: number;

  constructor(height: number, width: number, options: ImageLayerArgs = {}) {
    super(options);
    checkTargetSize(height, width, this.where);
    this.height = height;
    this.width = width;
  }

  override get className(): string {
    return 'CenterCrop';
  }

  computeOutputShape(s: SymbolicShape): SymbolicShape {
    this.assertInputShape(s);
    return this.withSpatial(s, this.height, this.width);
  }

  call(x: Tensor, _options?: CallOptions): Tensor {
    return this.inNhwc(x, (t) => cropOrResize(t, this.height, this.width, (h, w) => [Math.trunc((h - this.height) / 2), Math.trunc((w - this.width) / 2)]));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height: this.height, width: this.width };
  }
}
