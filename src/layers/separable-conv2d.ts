/**
 * SeparableConv2D: a depthwise convolution (each channel with `depthMultiplier` filters) followed
 * by a 1x1 pointwise convolution mixing the channels, as in Keras 3.
 *
 *   depthwise kernel [kh, kw, C, m], pointwise kernel [1, 1, C * m, filters], bias [filters]
 *
 * Example: `new SeparableConv2D(16, 3)` on [None, 8, 8, 4] gives [None, 6, 6, 16] with
 * 3*3*4 + 4*16 + 16 = 116 params.
 */
import { conv2d } from '../ops/conv2d.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import { BaseConv2D } from './base-conv2d.js';
import type { ConstraintSpec } from './constraints.js';
import { type BaseConvOptions, type InitializerArg, positiveInt, weightConfig, type WeightSpec, weightSpec } from './conv-options.js';
import { depthwiseConv } from './depthwise-conv2d.js';
import type { SymbolicShape } from './layer.js';
import type { RegularizerSpec } from './regularizers.js';

export interface SeparableConv2DOptions extends BaseConvOptions {
  depthMultiplier?: number;
  depthwiseInitializer?: InitializerArg;
  pointwiseInitializer?: InitializerArg;
  depthwiseRegularizer?: RegularizerSpec | null;
  pointwiseRegularizer?: RegularizerSpec | null;
  depthwiseConstraint?: ConstraintSpec | null;
  pointwiseConstraint?: ConstraintSpec | null;
}

export class SeparableConv2D extends BaseConv2D {
  readonly filters: number;
  readonly depthMultiplier: number;
  readonly depthwiseSpec: WeightSpec;
  readonly pointwiseSpec: WeightSpec;
  depthwiseKernel: Variable | null = null;
  pointwiseKernel: Variable | null = null;

  constructor(filters: number, kernelSize: number | [number, number], options: SeparableConv2DOptions = {}) {
    super(kernelSize, options);
    this.filters = positiveInt(filters, 'filters', this.where);
    this.depthMultiplier = positiveInt(options.depthMultiplier ?? 1, 'depthMultiplier', this.where);
    this.depthwiseSpec = weightSpec(options.depthwiseInitializer, 'glorot_uniform', options.depthwiseRegularizer, options.depthwiseConstraint, this.where);
    this.pointwiseSpec = weightSpec(options.pointwiseInitializer, 'glorot_uniform', options.pointwiseRegularizer, options.pointwiseConstraint, this.where);
  }

  override get className(): string {
    return 'SeparableConv2D';
  }

  protected outputChannels(): number {
    return this.filters;
  }

  protected override checkChannels(channels: number, shape: SymbolicShape): void {
    const expected = this.depthwiseKernel?.shape[2];
    if (expected !== undefined && channels !== expected) throw this.shapeError(`${expected} channels (the layer was built for them)`, shape);
  }

  override build(inputShape: SymbolicShape): void {
    this.assertInputShape(inputShape);
    const c = this.inChannels(inputShape);
    const [d, p] = [this.depthwiseSpec, this.pointwiseSpec];
    this.depthwiseKernel = this.addWeight('depthwise_kernel', [...this.kernelSize, c, this.depthMultiplier], d.initializer, { regularizer: d.regularizer, constraint: d.constraint });
    this.pointwiseKernel = this.addWeight('pointwise_kernel', [1, 1, c * this.depthMultiplier, this.filters], p.initializer, { regularizer: p.regularizer, constraint: p.constraint });
    this.buildBias(c);
    super.build(inputShape);
  }

  protected convolve(x: Tensor): Tensor {
    const depthwise = depthwiseConv(x, this.depthwiseKernel as Variable, this);
    return conv2d(depthwise, this.pointwiseKernel as Variable, { dataFormat: this.dataFormat });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), filters: this.filters, depthMultiplier: this.depthMultiplier,
      ...weightConfig('depthwise', this.depthwiseSpec), ...weightConfig('pointwise', this.pointwiseSpec),
    };
  }
}
