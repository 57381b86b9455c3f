/**
 * Flatten: keeps the batch axis and flattens the rest, [None, d1, d2, ...] -> [None, d1*d2*...].
 * With dataFormat 'channelsFirst' the input is first moved to channels-last order, as Keras does,
 * so the following Dense sees the same feature order whichever layout the model uses.
 *
 * Example: [None, 3, 3, 64] -> [None, 576].
 */
import { reshape, transpose } from '../ops/index.js';
import { sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type LayerDataFormat, normalizeDataFormat } from './conv-utils.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

export interface FlattenOptions extends LayerArgs {
  dataFormat?: LayerDataFormat | 'channels_last' | 'channels_first';
}

export class Flatten extends Layer {
  readonly dataFormat: LayerDataFormat;

  constructor(options: FlattenOptions = {}) {
    super(options);
    this.dataFormat = normalizeDataFormat(options.dataFormat, `Layer "${this.name}" (Flatten)`);
  }

  override get className(): string {
    return 'Flatten';
  }

  override build(inputShape: SymbolicShape): void {
    this.assertInputShape(inputShape);
    super.build(inputShape);
  }

  override assertInputShape(shape: SymbolicShape): void {
    if (shape.length < 2) throw this.shapeError('[None, d1, ...] of rank >= 2', shape);
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.assertInputShape(inputShape);
    const rest = inputShape.slice(1);
    return [inputShape[0], rest.some((d) => d === null) ? null : rest.reduce<number>((n, d) => n * (d as number), 1)];
  }

  call(x: Tensor, _options?: CallOptions): Tensor {
    const channelsLast = this.dataFormat === 'channelsFirst' && x.rank >= 3 ? transpose(x, [0, ...x.shape.slice(2).map((_, i) => i + 2), 1]) : x;
    return reshape(channelsLast, [x.shape[0], sizeOf(x.shape.slice(1))]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dataFormat: this.dataFormat };
  }
}
