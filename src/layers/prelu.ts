/**
 * PReLU (Keras 3): a leaky ReLU whose slope is learned, one per input value unless axes are shared.
 *   y = max(0, x) - alpha * max(0, -x),  alpha [shape of one sample, 1 along `sharedAxes`]
 * Example: `new PReLU({ sharedAxes: [1, 2] })` on [None, 26, 26, 32] learns 32 slopes (one per map).
 */
import { mul, sub } from '../ops/binary.js';
import { neg, relu } from '../ops/unary.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import type { ConstraintSpec } from './constraints.js';
import { type InitializerArg, weightConfig, type WeightSpec, weightSpec } from './conv-options.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape } from './layer.js';
import type { RegularizerSpec } from './regularizers.js';

export interface PReLUOptions extends LayerArgs {
  alphaInitializer?: InitializerArg;
  alphaRegularizer?: RegularizerSpec | null;
  alphaConstraint?: ConstraintSpec | null;
  /** Axes (1-based, as in Keras: 1 is the first axis after the batch) sharing one slope. */
  sharedAxes?: number[] | null;
}

export class PReLU extends Layer {
  readonly sharedAxes: number[] | null;
  readonly alphaSpec: WeightSpec;
  alpha: Variable | null = null;

  constructor(options: PReLUOptions = {}) {
    super(options);
    this.sharedAxes = options.sharedAxes ?? null;
    this.alphaSpec = weightSpec(options.alphaInitializer, 'zeros', options.alphaRegularizer, options.alphaConstraint, this.where);
  }

  override get className(): string {
    return 'PReLU';
  }

  override assertInputShape(shape: SymbolicShape): void {
    const bad = (this.sharedAxes ?? []).find((a) => !Number.isInteger(a) || a < 1 || a >= shape.length);
    if (bad !== undefined) throw this.shapeError(`a rank above ${bad} for sharedAxes ${JSON.stringify(this.sharedAxes)}`, shape);
    if (shape.slice(1).some((d, i) => d === null && !(this.sharedAxes ?? []).includes(i + 1))) throw this.shapeError('known sizes on every unshared axis', shape);
  }

  override build(inputShape: SymbolicShape): void {
    this.assertInputShape(inputShape);
    const shape = inputShape.slice(1).map((d, i) => ((this.sharedAxes ?? []).includes(i + 1) ? 1 : (d as number)));
    const s = this.alphaSpec;
    this.alpha = this.addWeight('alpha', shape, s.initializer, { regularizer: s.regularizer, constraint: s.constraint });
    super.build(inputShape);
  }

  computeOutputShape(s: SymbolicShape): SymbolicShape {
    return s;
  }

  call(x: Tensor, _options?: CallOptions): Tensor {
    if (this.alpha === null) throw new Error(`${this.where} is not built`);
    return sub(relu(x), mul(this.alpha, relu(neg(x))));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), sharedAxes: this.sharedAxes, ...weightConfig('alpha', this.alphaSpec) };
  }
}
