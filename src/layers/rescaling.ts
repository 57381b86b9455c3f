/**
 * Rescaling (Keras 3): y = x * scale + offset, e.g. pixel bytes to [0, 1] or [-1, 1].
 *
 * Example: `new Rescaling(1 / 127.5, { offset: -1 })` maps 0..255 to -1..1.
 */
import { add, mul } from '../ops/binary.js';
import type { Tensor } from '../tensor/tensor.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

export interface RescalingOptions extends LayerArgs {
  offset?: number;
}

export class Rescaling extends Layer {
  readonly scale: number;
  readonly offset: number;

  constructor(scale: number, options: RescalingOptions = {}) {
    super(options);
    if (!Number.isFinite(scale)) throw new Error(`${this.where}: scale must be a finite number, got ${scale}`);
    this.scale = scale;
    this.offset = options.offset ?? 0;
  }

  override get className(): string {
    return 'Rescaling';
  }

  computeOutputShape(s: SymbolicShape): SymbolicShape {
    return s;
  }

  call(x: Tensor, _options?: CallOptions): Tensor {
    const y = mul(x, this.scale);
    return this.offset === 0 ? y : add(y, this.offset);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), scale: this.scale, offset: this.offset };
  }
}
