/**
 * GlobalAveragePooling2D and GlobalMaxPooling2D (Keras 3): the mean or max of each feature map
 * over height and width, [None, H, W, C] -> [None, C] ([None, 1, 1, C] with keepdims).
 *
 * Example: after the last conv block of a classifier, `new GlobalAveragePooling2D()` replaces
 * Flatten and makes the head independent of the image size.
 */
import { max, mean } from '../ops/reduce.js';
import type { Stage } from '../plan/stage.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DataFormatArg } from './conv-options.js';
import { type LayerDataFormat, normalizeDataFormat } from './conv-utils.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

export interface GlobalPooling2DOptions extends LayerArgs {
  dataFormat?: DataFormatArg;
  keepdims?: boolean;
}

abstract class GlobalPooling2D extends Layer {
  readonly dataFormat: LayerDataFormat;
  readonly keepdims: boolean;

  constructor(options: GlobalPooling2DOptions = {}) {
    super(options);
    this.dataFormat = normalizeDataFormat(options.dataFormat, this.where);
    this.keepdims = options.keepdims ?? false;
  }

  protected get spatialAxes(): [number, number] {
    return this.dataFormat === 'channelsLast' ? [1, 2] : [2, 3];
  }

  override assertInputShape(shape: SymbolicShape): void {
    if (shape.length !== 4) throw this.shapeError(this.dataFormat === 'channelsLast' ? '[None, height, width, channels]' : '[None, channels, height, width]', shape);
  }

  computeOutputShape(s: SymbolicShape): SymbolicShape {
    this.assertInputShape(s);
    if (this.keepdims) return s.map((d, i) => (this.spatialAxes.includes(i) ? 1 : d));
    return [s[0], this.dataFormat === 'channelsLast' ? s[3] : s[1]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dataFormat: this.dataFormat, keepdims: this.keepdims };
  }
}

export class GlobalAveragePooling2D extends GlobalPooling2D {
  override get className(): string {
    return 'GlobalAveragePooling2D';
  }
  call(x: Tensor, _options?: CallOptions): Tensor {
    return mean(x, this.spatialAxes, this.keepdims);
  }

  /** The planner may compute the mean in the epilogue of the conv before it (convPointwise). */
  protected override stage(): Stage {
    return { kind: 'globalAvgPool', keepdims: this.keepdims, dataFormat: this.dataFormat };
  }
}

export class GlobalMaxPooling2D extends GlobalPooling2D {
  override get className(): string {
    return 'GlobalMaxPooling2D';
  }
  call(x: Tensor, _options?: CallOptions): Tensor {
    return max(x, this.spatialAxes, this.keepdims);
  }
}
