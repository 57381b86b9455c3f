/**
 * The base of the image preprocessing layers (Keras 3's BaseImagePreprocessingLayer): rank-4
 * batches in `dataFormat` (channels-first ones are transposed to NHWC around the NHWC
 * computation), and for the random layers a generator that a `seed` fixes. A seeded layer draws
 * from its own generator, so the same seed gives the same outputs whatever model it is in;
 * without a seed it draws from the generator its model gives it (the model's seed then decides).
 */
import { transpose } from '../../ops/shape-ops.js';
import { Random } from '../../tensor/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { DataFormatArg } from '../conv-options.js';
import { type LayerDataFormat, normalizeDataFormat } from '../conv-utils.js';
import { Layer, type LayerArgs, type SymbolicShape } from '../layer.js';

export interface ImageLayerArgs extends LayerArgs {
  /** 'channelsLast' (default) or 'channelsFirst'; Keras's snake_case spellings work too. */
  dataFormat?: DataFormatArg;
}

export abstract class ImagePreprocessingLayer extends Layer {
  readonly dataFormat: LayerDataFormat;
  /** The `seed` argument, kept for the config (null: none given). */
  readonly seed: number | null;
  private readonly seeded: Random | null;

  constructor(args: ImageLayerArgs = {}) {
    // A config written without a seed carries `seed: null`.
    const seed = (args.seed as number | null | undefined) ?? undefined;
    super({ ...args, seed });
    this.dataFormat = normalizeDataFormat(args.dataFormat, this.where);
    if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`${this.where}: seed must be an integer, got ${seed}`);
    this.seed = seed ?? null;
    this.seeded = seed === undefined ? null : new Random(seed);
  }

  /** Where this layer's random draws come from. */
  protected get random(): Random {
    return this.seeded ?? this.rng;
  }

  override assertInputShape(shape: SymbolicShape): void {
    if (shape.length !== 4) throw this.shapeError(`a rank-4 batch of images (${this.dataFormat === 'channelsLast' ? 'N, H, W, C' : 'N, C, H, W'})`, shape);
  }

  /** [height, width] of a batch shape in this layer's data format. */
  protected spatial(shape: SymbolicShape): [number | null, number | null] {
    return this.dataFormat === 'channelsLast' ? [shape[1], shape[2]] : [shape[2], shape[3]];
  }

  /** The shape with its spatial axes replaced by [height, width]. */
  protected withSpatial(shape: SymbolicShape, height: number | null, width: number | null): SymbolicShape {
    return this.dataFormat === 'channelsLast' ? [shape[0], height, width, shape[3]] : [shape[0], shape[1], height, width];
  }

  /** Runs `f` on the batch as NHWC and returns its result in this layer's data format. */
  protected inNhwc(x: Tensor, f: (nhwc: Tensor) => Tensor): Tensor {
    if (this.dataFormat === 'channelsLast') return f(x);
    return transpose(f(transpose(x, [0, 2, 3, 1])), [0, 3, 1, 2]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dataFormat: this.dataFormat };
  }
}
