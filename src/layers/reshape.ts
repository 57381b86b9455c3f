/**
 * Reshape (Keras 3): views each sample with `targetShape` (no batch axis; one entry may be -1).
 *
 * Example: `new Reshape([7, 7, 16])` maps [None, 784] to [None, 7, 7, 16].
 */
import { reshape } from '../ops/shape-ops.js';
import { shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

export class Reshape extends Layer {
  readonly targetShape: number[];

  constructor(targetShape: readonly number[], options: LayerArgs = {}) {
    super(options);
    const free = targetShape.filter((d) => d === -1).length;
    if (free > 1 || !targetShape.every((d) => d === -1 || (Number.isInteger(d) && d >= 1))) {
      throw new Error(`${this.where}: targetShape must hold positive integers and at most one -1, got ${JSON.stringify(targetShape)}`);
    }
    this.targetShape = [...targetShape];
  }

  override get className(): string {
    return 'Reshape';
  }

  override assertInputShape(shape: SymbolicShape): void {
    this.resolve(shape);
  }

  /** targetShape with its -1 resolved for `shape` (null when the input size is unknown). */
  private resolve(shape: SymbolicShape): (number | null)[] {
    const rest = shape.slice(1);
    if (rest.some((d) => d === null)) return this.targetShape.map((d) => (d === -1 ? null : d));
    const size = (rest as number[]).reduce((a, b) => a * b, 1);
    const known = this.targetShape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const free = size / known;
    const ok = this.targetShape.includes(-1) ? Number.isInteger(free) : known === size;
    if (!ok) throw new Error(`${this.where}: cannot reshape ${shapeToString(shape)} (${size} values per sample) to ${shapeToString([null, ...this.targetShape])}`);
    return this.targetShape.map((d) => (d === -1 ? free : d));
  }

  computeOutputShape(s: SymbolicShape): SymbolicShape {
    return [s[0], ...this.resolve(s)];
  }

  call(x: Tensor, _options?: CallOptions): Tensor {
    return reshape(x, [x.shape[0], ...this.targetShape]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), targetShape: this.targetShape };
  }
}
