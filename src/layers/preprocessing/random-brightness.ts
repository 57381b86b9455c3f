/**
 * RandomBrightness (Keras 3): in training adds to each image a delta drawn from
 * [lower, upper] x (valueRange[1] - valueRange[0]) (`factor` f: [-f, f]; a pair [lower, upper];
 * within [-1, 1]), then clips to `valueRange` (default [0, 255]). Inference: the identity.
 *
 * Example: `new RandomBrightness(0.2, { valueRange: [0, 1] })` adds up to +-0.2.
 */
import { add } from '../../ops/binary.js';
import { tensor } from '../../ops/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { CallOptions, SymbolicShape } from '../layer.js';
import { checkValueRange, type Factor, factorConfig, factorRange } from './factors.js';
import { ImagePreprocessingLayer } from './image-layer.js';
import { clipToRange, type ValueRangeOptions } from './random-contrast.js';

export class RandomBrightness extends ImagePreprocessingLayer {
  readonly factor: Factor;
  readonly valueRange: [number, number];
  private readonly range: [number, number];

  constructor(factor: Factor, options: ValueRangeOptions = {}) {
    super(options);
    this.range = factorRange(factor, 'factor', this.where, [-1, 1]);
    this.factor = factor;
    this.valueRange = checkValueRange(options.valueRange, this.where);
  }

  override get className(): string {
    return 'RandomBrightness';
  }

  computeOutputShape(s: SymbolicShape): SymbolicShape {
    this.assertInputShape(s);
    return s;
  }

  call(x: Tensor, options: CallOptions = {}): Tensor {
    if (!options.training) return x;
    const n = x.shape[0];
    const span = this.valueRange[1] - this.valueRange[0];
    const deltas = tensor(Float32Array.from({ length: n }, () => this.random.uniform(this.range[0], this.range[1]) * span), [n, 1, 1, 1]);
    return clipToRange(add(x, deltas), this.valueRange);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: factorConfig(this.factor), valueRange: [...this.valueRange], seed: this.seed };
  }
}
