/**
 * RandomContrast (Keras 3): in training each image's contrast is scaled by a factor drawn from
 * [1 - lower, 1 + upper] (`factor` f: lower = upper = f; a pair [lower, upper]; each in [0, 1]):
 * y = (x - mean) * factor + mean, the mean taken per image and channel over height and width, then
 * clipped to `valueRange` (default [0, 255]). Inference: the identity.
 *
 * Example: `new RandomContrast(0.2, { valueRange: [0, 1] })` for images in [0, 1].
 */
import { add, maximum, minimum, mul, sub } from '../../ops/binary.js';
import { tensor } from '../../ops/create.js';
import { mean } from '../../ops/reduce.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { CallOptions, SymbolicShape } from '../layer.js';
import { checkValueRange, type Factor, factorConfig } from './factors.js';
import { type ImageLayerArgs, ImagePreprocessingLayer } from './image-layer.js';

export interface ValueRangeOptions extends ImageLayerArgs {
  /** [low, high] of the pixel values; outputs are clipped to it. Default [0, 255]. */
  valueRange?: [number, number];
}

/** Clips `x` to [low, high] (gradient 1 inside, 0 outside). */
export function clipToRange(x: Tensor, [low, high]: [number, number]): Tensor {
  return minimum(maximum(x, low), high);
}

export class RandomContrast extends ImagePreprocessingLayer {
  readonly factor: Factor;
  readonly valueRange: [number, number];
  private readonly lower: number;
  private readonly upper: number;

  constructor(factor: Factor, options: ValueRangeOptions = {}) {
    super(options);
    const [lower, upper] = typeof factor === 'number' ? [factor, factor] : factor;
    const ok = [lower, upper].every((v) => Number.isFinite(v) && v >= 0 && v <= 1) && (typeof factor === 'number' || factor.length === 2);
    if (!ok) throw new Error(`${this.where}: factor must be a number in [0, 1] or a [lower, upper] pair of them, got ${JSON.stringify(factor)}`);
    this.factor = factor;
    this.lower = lower;
    this.upper = upper;
    this.valueRange = checkValueRange(options.valueRange, this.where);
  }

  override get className(): string {
    return 'RandomContrast';
  }

  computeOutputShape(s: SymbolicShape): SymbolicShape {
    this.assertInputShape(s);
    return s;
  }

  call(x: Tensor, options: CallOptions = {}): Tensor {
    if (!options.training) return x;
    const n = x.shape[0];
    const factors = tensor(Float32Array.from({ length: n }, () => this.random.uniform(1 - this.lower, 1 + this.upper)), [n, 1, 1, 1]);
    const spatial = this.dataFormat === 'channelsLast' ? [1, 2] : [2, 3];
    const m = mean(x, spatial, true);
    return clipToRange(add(mul(sub(x, m), factors), m), this.valueRange);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: factorConfig(this.factor), valueRange: [...this.valueRange], seed: this.seed };
  }
}
