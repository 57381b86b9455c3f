/**
 * Dropout (Keras 3): in training each value is zeroed with probability `rate` and the survivors
 * scaled by 1 / (1 - rate), so the expected output equals the input; in inference it is the
 * identity. The mask is drawn from the layer's seeded generator, so a seeded model drops the same
 * units run after run. `noiseShape` (null entries = the input's size) shares one draw along axes
 * of size 1: SpatialDropout2D uses it to drop whole feature maps.
 *
 * Example: `new Dropout(0.5)` between two Dense layers.
 */
import { mul } from '../ops/binary.js';
import { tensor } from '../ops/create.js';
import type { Random } from '../tensor/random.js';
import { sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

export interface DropoutOptions extends LayerArgs {
  /** Shape of the mask, broadcast against the input; null entries take the input's size. */
  noiseShape?: (number | null)[] | null;
}

/** 0 with probability `rate`, else 1 / (1 - rate), drawn on the host (no random kernel needed). */
export function dropoutMask(shape: readonly number[], rate: number, rng: Random): Tensor {
  const keep = 1 - rate;
  const values = new Float32Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = rng.next() < rate ? 0 : 1 / keep;
  return tensor(values, shape);
}

export function checkRate(rate: number, where: string): number {
  if (!(rate >= 0 && rate < 1)) throw new Error(`${where}: rate must be in [0, 1), got ${rate}`);
  return rate;
}

export class Dropout extends Layer {
  readonly rate: number;
  readonly noiseShape: (number | null)[] | null;

  constructor(rate: number, options: DropoutOptions = {}) {
    super(options);
    this.rate = checkRate(rate, this.where);
    this.noiseShape = options.noiseShape ?? null;
  }

  override get className(): string {
    return 'Dropout';
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  /** The mask's shape for input `shape`. */
  protected maskShape(shape: readonly number[]): number[] {
    if (this.noiseShape === null) return [...shape];
    if (this.noiseShape.length !== shape.length) {
      throw new Error(`${this.where}: noiseShape ${JSON.stringify(this.noiseShape)} has rank ${this.noiseShape.length}, the input [${shape.join(', ')}] has rank ${shape.length}`);
    }
    return this.noiseShape.map((d, i) => d ?? shape[i]);
  }

  call(x: Tensor, options: CallOptions = {}): Tensor {
    if (!options.training || this.rate === 0) return x;
    return mul(x, dropoutMask(this.maskShape(x.shape), this.rate, this.rng));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, noiseShape: this.noiseShape };
  }
}
