/**
 * UpSampling2D (Keras 3): repeats each row `size[0]` times and each column `size[1]` times
 * (nearest-neighbour interpolation). Built from a reshape and a broadcast multiply by ones, so the
 * gradient (the sum over each block) comes from the ops.
 *
 * Example: `new UpSampling2D(2)` maps [None, 7, 7, 16] to [None, 14, 14, 16].
 */
import { mul } from '../ops/binary.js';
import { ones } from '../ops/create.js';
import { reshape, transpose } from '../ops/shape-ops.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DataFormatArg } from './conv-options.js';
import { type LayerDataFormat, normalizeDataFormat, normalizePair } from './conv-utils.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

export interface UpSampling2DOptions extends LayerArgs {
  dataFormat?: DataFormatArg;
  /** Only 'nearest' is implemented; other Keras modes are rejected rather than approximated. */
  interpolation?: 'nearest';
}

/** Nearest-neighbour upsampling of an NHWC tensor. */
export function upsampleNearest(x: Tensor, [sh, sw]: [number, number]): Tensor {
  const [n, h, w, c] = x.shape;
  const blocks = mul(reshape(x, [n, h, 1, w, 1, c]), ones([1, 1, sh, 1, sw, 1]));
  return reshape(blocks, [n, h * sh, w * sw, c]);
}

export class UpSampling2D extends Layer {
  readonly size: [number, number];
  readonly dataFormat: LayerDataFormat;
  readonly interpolation = 'nearest';

  constructor(size: number | [number, number] = 2, options: UpSampling2DOptions = {}) {
    super(options);
    this.size = normalizePair(size, 'size', this.where);
    this.dataFormat = normalizeDataFormat(options.dataFormat, this.where);
    if (options.interpolation !== undefined && options.interpolation !== 'nearest') {
      throw new Error(`${this.where}: interpolation '${options.interpolation as string}' is not supported; use 'nearest'`);
    }
  }

  override get className(): string {
    return 'UpSampling2D';
  }

  override assertInputShape(shape: SymbolicShape): void {
    if (shape.length !== 4) throw this.shapeError('a rank-4 image batch', shape);
  }

  computeOutputShape(s: SymbolicShape): SymbolicShape {
    this.assertInputShape(s);
    const h = this.dataFormat === 'channelsLast' ? 1 : 2;
    return s.map((d, i) => (d === null || (i !== h && i !== h + 1) ? d : d * this.size[i - h]));
  }

  call(x: Tensor, _options?: CallOptions): Tensor {
    if (this.dataFormat === 'channelsLast') return upsampleNearest(x, this.size);
    return transpose(upsampleNearest(transpose(x, [0, 2, 3, 1]), this.size), [0, 3, 1, 2]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: this.size, dataFormat: this.dataFormat, interpolation: this.interpolation };
  }
}
