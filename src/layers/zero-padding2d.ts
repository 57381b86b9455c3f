/**
 * ZeroPadding2D (Keras 3): adds rows and columns of zeros around each image.
 * `padding`: p (all sides), [ph, pw] (symmetric), or [[top, bottom], [left, right]].
 *
 * Example: `new ZeroPadding2D(1)` maps [None, 28, 28, 1] to [None, 30, 30, 1].
 */
import { pad } from '../ops/shape-ops.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DataFormatArg } from './conv-options.js';
import { type LayerDataFormat, normalizeDataFormat } from './conv-utils.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape } from './layer.js';
import { type PairSpec, resolvePairs } from './padding-utils.js';
import type { Stage } from '../plan/stage.js';

export interface ZeroPadding2DOptions extends LayerArgs {
  dataFormat?: DataFormatArg;
}

export class ZeroPadding2D extends Layer {
  readonly padding: [[number, number], [number, number]];
  readonly dataFormat: LayerDataFormat;

  constructor(padding: PairSpec = 1, options: ZeroPadding2DOptions = {}) {
    super(options);
    this.padding = resolvePairs(padding, 'padding', this.where);
    this.dataFormat = normalizeDataFormat(options.dataFormat, this.where);
  }

  override get className(): string {
    return 'ZeroPadding2D';
  }

  private get hAxis(): number {
    return this.dataFormat === 'channelsLast' ? 1 : 2;
  }

  override assertInputShape(shape: SymbolicShape): void {
    if (shape.length !== 4) throw this.shapeError('a rank-4 image batch', shape);
  }

  computeOutputShape(s: SymbolicShape): SymbolicShape {
    this.assertInputShape(s);
    return s.map((d, i) => {
      const k = i - this.hAxis;
      return d === null || k < 0 || k > 1 ? d : d + this.padding[k][0] + this.padding[k][1];
    });
  }

  call(x: Tensor, _options?: CallOptions): Tensor {
    const p: [number, number][] = [[0, 0], [0, 0], [0, 0], [0, 0]];
    p[this.hAxis] = this.padding[0];
    p[this.hAxis + 1] = this.padding[1];
    return pad(x, p);
  }

  /** A zero-padding stage: the planner may fold it into a following conv's own padding. */
  protected override stage(): Stage {
    return { kind: 'zeroPad', padding: this.padding, dataFormat: this.dataFormat };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: this.padding, dataFormat: this.dataFormat };
  }
}
