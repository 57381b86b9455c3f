/**
 * SpatialDropout2D (Keras 3): drops whole feature maps instead of single values, because
 * neighbouring pixels of one map are strongly correlated and per-value dropout barely regularizes
 * them. In training each channel of each sample is zeroed with probability `rate`, survivors are
 * scaled by 1 / (1 - rate); identity in inference.
 *
 * Example: `new SpatialDropout2D(0.2)` on [None, 26, 26, 32] keeps the shape.
 */
import { mul } from '../ops/binary.js';
import type { Tensor } from '../tensor/tensor.js';
import { type LayerDataFormat, normalizeDataFormat } from './conv-utils.js';
import type { DataFormatArg } from './conv-options.js';
import { checkRate, dropoutMask } from './dropout.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

export interface SpatialDropout2DOptions extends LayerArgs {
  dataFormat?: DataFormatArg;
}

export class SpatialDropout2D extends Layer {
  readonly rate: number;
  readonly dataFormat: LayerDataFormat;

  constructor(rate: number, options: SpatialDropout2DOptions = {}) {
    super(options);
    this.rate = checkRate(rate, this.where);
    this.dataFormat = normalizeDataFormat(options.dataFormat, this.where);
  }

  override get className(): string {
    return 'SpatialDropout2D';
  }

  override assertInputShape(shape: SymbolicShape): void {
    if (shape.length !== 4) throw this.shapeError('a rank-4 image batch', shape);
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.assertInputShape(inputShape);
    return inputShape;
  }

  call(x: Tensor, options: CallOptions = {}): Tensor {
    if (!options.training || this.rate === 0) return x;
    const [n, a, , c] = x.shape;
    const shape = this.dataFormat === 'channelsLast' ? [n, 1, 1, c] : [n, a, 1, 1];
    return mul(x, dropoutMask(shape, this.rate, this.rng));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, dataFormat: this.dataFormat };
  }
}
