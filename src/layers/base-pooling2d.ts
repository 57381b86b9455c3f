/**
 * The shared body of MaxPooling2D, AveragePooling2D and MinPooling2D (Keras 3 semantics):
 * windows of `poolSize` (default [2, 2]) moved by `strides` (default: the pool size).
 *
 *   output H_out = floor((H - poolH) / strideH) + 1 ('valid'), ceil(H / strideH) ('same')
 *
 * Example: 2x2 max pooling maps [None, 26, 26, 32] to [None, 13, 13, 32].
 */
import type { PoolMode } from '../backend/kernels.js';
import { avgPool2d, maxPool2d, minPool2d, pool2dAttrs } from '../ops/index.js';
import type { Stage } from '../plan/stage.js';
import { shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  fromChannelsLast, type LayerDataFormat, type LayerPadding, normalizeDataFormat, normalizePadding,
  normalizePair, spatialAndChannels, toChannelsLast,
} from './conv-utils.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

export interface Pooling2DOptions extends LayerArgs {
  poolSize?: number | [number, number];
  /** Defaults to `poolSize`. */
  strides?: number | [number, number] | null;
  padding?: LayerPadding;
  dataFormat?: LayerDataFormat | 'channels_last' | 'channels_first';
}

const poolOps = { max: maxPool2d, avg: avgPool2d, min: minPool2d };

export abstract class BasePooling2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: LayerPadding;
  readonly dataFormat: LayerDataFormat;

  /** `poolSize` may be given first, as in Keras (`new MaxPooling2D(2)`), or inside the options. */
  constructor(
    private readonly mode: PoolMode,
    poolSizeOrOptions?: number | [number, number] | Pooling2DOptions,
    options: Pooling2DOptions = {},
  ) {
    const o = typeof poolSizeOrOptions === 'object' && !Array.isArray(poolSizeOrOptions) ? poolSizeOrOptions : { ...options, poolSize: poolSizeOrOptions ?? options.poolSize };
    super(o);
    const where = `Layer "${this.name}" (${this.className})`;
    this.poolSize = normalizePair(o.poolSize ?? 2, 'poolSize', where);
    this.strides = o.strides === undefined || o.strides === null ? this.poolSize : normalizePair(o.strides, 'strides', where);
    this.padding = normalizePadding(o.padding, where);
    this.dataFormat = normalizeDataFormat(o.dataFormat, where);
  }

  override build(inputShape: SymbolicShape): void {
    this.assertInputShape(inputShape);
    super.build(inputShape);
  }

  override assertInputShape(shape: SymbolicShape): void {
    if (shape.length !== 4) {
      throw this.shapeError(this.dataFormat === 'channelsLast' ? '[None, height, width, channels]' : '[None, channels, height, width]', shape);
    }
    const { hw } = spatialAndChannels(shape, this.dataFormat);
    if (this.padding === 'valid' && hw.some((n, i) => n !== null && n < this.poolSize[i])) {
      throw new Error(
        `Layer "${this.name}" (${this.className}): pool size ${this.poolSize.join('x')} is larger than the input ` +
          `${hw.join('x')} (input shape ${shapeToString(shape)}) with padding 'valid'`,
      );
    }
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.assertInputShape(inputShape);
    const standIn = Math.max(...this.poolSize);
    const x = toChannelsLast(inputShape.map((d, i) => d ?? (i === 0 ? 1 : standIn)), this.dataFormat);
    const { outShape } = pool2dAttrs(this.mode, x, this.poolSize, { strides: this.strides, padding: this.padding }, this.name);
    const out = fromChannelsLast(outShape, this.dataFormat, inputShape);
    const { hw } = spatialAndChannels(inputShape, this.dataFormat);
    const hAxis = this.dataFormat === 'channelsLast' ? 1 : 2;
    return out.map((d, i) => ((i === hAxis && hw[0] === null) || (i === hAxis + 1 && hw[1] === null) ? null : d));
  }

  call(x: Tensor, _options?: CallOptions): Tensor {
    return poolOps[this.mode](x, this.poolSize, { strides: this.strides, padding: this.padding, dataFormat: this.dataFormat });
  }

  protected override stage(): Stage {
    const pool = { mode: this.mode, poolSize: this.poolSize, strides: this.strides, padding: this.padding };
    return { kind: 'pool', pool, dataFormat: this.dataFormat };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding, dataFormat: this.dataFormat };
  }
}
