/**
 * Dense: y = activation(x @ kernel + bias), kernel [features, units], bias [units].
 *
 * Takes rank-2 input [None, features] only: Keras 3 would apply it to the last axis of a
 * higher-rank input, but a Dense fed an image map is almost always a missing Flatten, so this
 * layer says so instead of silently producing a per-pixel output.
 *
 * Example: `new Dense(10, { activation: 'softmax' })` on [None, 64] has 64*10 + 10 = 650 params.
 */
import { dense } from '../ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import { type ActivationName, getActivation, type ResolvedActivation } from './activations.js';
import type { ConstraintSpec } from './constraints.js';
import { type InitializerArg, weightConfig, type WeightSpec, weightSpec } from './conv-options.js';
import type { Initializer } from './initializers.js';
import { getRegularizer, type RegularizerSpec, serializeRegularizer } from './regularizers.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

export interface DenseOptions extends LayerArgs {
  activation?: ActivationName | null;
  useBias?: boolean;
  kernelInitializer?: InitializerArg;
  biasInitializer?: InitializerArg;
  kernelRegularizer?: RegularizerSpec | null;
  biasRegularizer?: RegularizerSpec | null;
  activityRegularizer?: RegularizerSpec | null;
  kernelConstraint?: ConstraintSpec | null;
  biasConstraint?: ConstraintSpec | null;
}

export class Dense extends Layer {
  readonly units: number;
  readonly activation: ResolvedActivation;
  readonly useBias: boolean;
  readonly kernelSpec: WeightSpec;
  readonly biasSpec: WeightSpec;
  kernel: Variable | null = null;
  bias: Variable | null = null;

  constructor(units: number, options: DenseOptions = {}) {
    super(options);
    if (!Number.isInteger(units) || units < 1) throw new Error(`Layer "${this.name}" (Dense): units must be a positive integer, got ${units}`);
    this.units = units;
    this.activation = getActivation(options.activation, this.where);
    this.useBias = options.useBias ?? true;
    this.kernelSpec = weightSpec(options.kernelInitializer, 'glorot_uniform', options.kernelRegularizer, options.kernelConstraint, this.where);
    this.biasSpec = weightSpec(options.biasInitializer, 'zeros', options.biasRegularizer, options.biasConstraint, this.where);
    this.activityRegularizer = getRegularizer(options.activityRegularizer, this.where);
  }

  get kernelInitializer(): Initializer {
    return this.kernelSpec.initializer;
  }

  get biasInitializer(): Initializer {
    return this.biasSpec.initializer;
  }

  override get className(): string {
    return 'Dense';
  }

  override build(inputShape: SymbolicShape): void {
    this.assertInputShape(inputShape);
    const [k, b] = [this.kernelSpec, this.biasSpec];
    this.kernel = this.addWeight('kernel', [inputShape[1] as number, this.units], k.initializer, { regularizer: k.regularizer, constraint: k.constraint });
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], b.initializer, { regularizer: b.regularizer, constraint: b.constraint });
    super.build(inputShape);
  }

  override assertInputShape(shape: SymbolicShape): void {
    const expected = this.kernel === null ? '[None, features]' : `[None, ${this.kernel.shape[0]}]`;
    if (shape.length !== 2) {
      const err = this.shapeError(expected, shape);
      err.message += shape.length > 2 ? '; add a Flatten layer before it to turn each sample into a vector' : '';
      throw err;
    }
    if (shape[1] === null || (this.kernel !== null && shape[1] !== this.kernel.shape[0])) throw this.shapeError(expected, shape);
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.assertInputShape(inputShape);
    return [inputShape[0], this.units];
  }

  call(x: Tensor, _options?: CallOptions): Tensor {
    if (this.kernel === null) throw new Error(`Layer "${this.name}" (Dense) is not built`);
    const y = dense(x, this.kernel, this.bias, this.activation.fused ?? 'linear');
    return this.activation.fused === null ? this.activation.fn(y) : y;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation.name,
      useBias: this.useBias,
      ...weightConfig('kernel', this.kernelSpec),
      ...weightConfig('bias', this.biasSpec),
      activityRegularizer: serializeRegularizer(this.activityRegularizer),
    };
  }
}
