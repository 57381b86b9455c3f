/**
 * Cropping2D (Keras 3): removes rows and columns from the edges of each image.
 * `cropping`: c (all sides), [ch, cw] (symmetric), or [[top, bottom], [left, right]].
 *
 * Example: `new Cropping2D([[2, 2], [4, 4]])` maps [None, 28, 28, 3] to [None, 24, 20, 3].
 */
import { slice } from '../ops/shape-ops.js';
import { shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DataFormatArg } from './conv-options.js';
import { type LayerDataFormat, normalizeDataFormat } from './conv-utils.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape } from './layer.js';
import { type PairSpec, resolvePairs } from './padding-utils.js';

export interface Cropping2DOptions extends LayerArgs {
  dataFormat?: DataFormatArg;
}

export class Cropping2D extends Layer {
  readonly cropping: [[number, number], [number, number]];
  readonly dataFormat: LayerDataFormat;

  constructor(cropping: PairSpec = 0, options: Cropping2DOptions = {}) {
    super(options);
    this.cropping = resolvePairs(cropping, 'cropping', this.where);
    this.dataFormat = normalizeDataFormat(options.dataFormat, this.where);
  }

  override get className(): string {
    return 'Cropping2D';
  }

  private get hAxis(): number {
    return this.dataFormat === 'channelsLast' ? 1 : 2;
  }

  override assertInputShape(shape: SymbolicShape): void {
    if (shape.length !== 4) throw this.shapeError('a rank-4 image batch', shape);
    [0, 1].forEach((k) => {
      const d = shape[this.hAxis + k];
      const [a, b] = this.cropping[k];
      if (d !== null && a + b >= d) {
        throw new Error(`${this.where}: cropping ${a} + ${b} leaves nothing of size ${d} (input shape ${shapeToString(shape)})`);
      }
    });
  }

  computeOutputShape(s: SymbolicShape): SymbolicShape {
    this.assertInputShape(s);
    return s.map((d, i) => {
      const k = i - this.hAxis;
      return d === null || k < 0 || k > 1 ? d : d - this.cropping[k][0] - this.cropping[k][1];
    });
  }

  call(x: Tensor, _options?: CallOptions): Tensor {
    const begin = [0, 0, 0, 0];
    const size = [...x.shape];
    [0, 1].forEach((k) => {
      begin[this.hAxis + k] = this.cropping[k][0];
      size[this.hAxis + k] -= this.cropping[k][0] + this.cropping[k][1];
    });
    return slice(x, begin, size);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cropping: this.cropping, dataFormat: this.dataFormat };
  }
}
