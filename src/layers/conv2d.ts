/**
 * Conv2D: a 2-D convolution layer with Keras 3 semantics and its whole signature.
 *
 *   input  [None, H, W, C] (channelsLast, default) or [None, C, H, W] (channelsFirst)
 *   kernel [kh, kw, C / groups, filters] (HWIO), bias [filters]
 *   output H_out = floor((H + padTotal - d*(kh-1) - 1) / s) + 1, same for W ('same': ceil(H / s))
 *
 * Rejected as in Keras: strides > 1 with dilationRate > 1; filters or channels not divisible by
 * groups; a kernel larger than the input under 'valid'.
 *
 * Example: `new Conv2D(32, 3, { activation: 'relu', inputShape: [28, 28, 1] })` maps
 * [None, 28, 28, 1] to [None, 26, 26, 32] with 3*3*1*32 + 32 = 320 parameters.
 */
import type { FusedActivation } from '../backend/kernels.js';
import { conv2d, type Conv2DOptions as Conv2DOpOptions, conv2dPool } from '../ops/index.js';
import { type ConvStage, type ConvWeights, OPAQUE, type Stage } from '../plan/stage.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import { BaseConv2D } from './base-conv2d.js';
import type { ConstraintSpec } from './constraints.js';
import { type BaseConvOptions, type InitializerArg, positiveInt, weightConfig, type WeightSpec, weightSpec } from './conv-options.js';
import type { Initializer } from './initializers.js';
import type { CallOptions, SymbolicShape } from './layer.js';
import type { RegularizerSpec } from './regularizers.js';

export interface Conv2DOptions extends BaseConvOptions {
  groups?: number;
  kernelInitializer?: InitializerArg;
  kernelRegularizer?: RegularizerSpec | null;
  kernelConstraint?: ConstraintSpec | null;
}

export class Conv2D extends BaseConv2D {
  readonly filters: number;
  readonly groups: number;
  readonly kernelSpec: WeightSpec;
  kernel: Variable | null = null;

  constructor(filters: number, kernelSize: number | [number, number], options: Conv2DOptions = {}) {
    super(kernelSize, options);
    this.filters = positiveInt(filters, 'filters', this.where);
    this.groups = options.groups ?? 1;
    if (!Number.isInteger(this.groups) || this.groups < 1 || filters % this.groups !== 0) {
      throw new Error(`${this.where}: groups must be a positive integer dividing filters (${filters}), got ${this.groups}`);
    }
    this.kernelSpec = weightSpec(options.kernelInitializer, 'glorot_uniform', options.kernelRegularizer, options.kernelConstraint, this.where);
  }

  override get className(): string {
    return 'Conv2D';
  }

  get activation(): { name: string } {
    return this.conv.activation;
  }

  get kernelInitializer(): Initializer {
    return this.kernelSpec.initializer;
  }

  get biasInitializer(): Initializer {
    return this.conv.bias.initializer;
  }

  protected outputChannels(): number {
    return this.filters;
  }

  protected override checkChannels(channels: number, shape: SymbolicShape): void {
    if (channels % this.groups !== 0) {
      throw this.shapeError(`a number of channels divisible by groups (${this.groups})`, shape);
    }
    const expected = this.kernel?.shape[2];
    if (expected !== undefined && channels !== expected * this.groups) {
      throw this.shapeError(`${expected * this.groups} channels (the layer was built for them)`, shape);
    }
  }

  override build(inputShape: SymbolicShape): void {
    this.assertInputShape(inputShape);
    const channels = this.inChannels(inputShape);
    const [kh, kw] = this.kernelSize;
    const k = this.kernelSpec;
    this.kernel = this.addWeight('kernel', [kh, kw, channels / this.groups, this.filters], k.initializer, { regularizer: k.regularizer, constraint: k.constraint });
    this.buildBias(channels);
    super.build(inputShape);
  }

  protected convolve(x: Tensor): Tensor {
    return conv2d(x, this.kernel as Variable, {
      strides: this.strides, padding: this.padding, dilations: this.dilationRate, groups: this.groups, dataFormat: this.dataFormat,
    });
  }

  /** Bias and 'linear'/'relu' are fused into the conv kernel; other activations follow it. */
  override call(x: Tensor, _options?: CallOptions): Tensor {
    const act = this.conv.activation;
    const y = conv2d(x, this.builtKernel(), this.convOptions(act.fused ?? 'linear'));
    return act.fused === null ? act.fn(y) : y;
  }

  /** A conv stage when the activation runs in the kernel; a following pooling layer may then fuse. */
  protected override stage(): Stage {
    const fused = this.conv.activation.fused;
    if (fused === null || this.kernel === null) return OPAQUE;
    return this.convStage(fused, { kernel: this.kernel, bias: this.bias, outAxes: [3] });
  }

  /** This layer's conv with `weights` (its own, or a batch norm's fold of them). */
  private convStage(fused: FusedActivation, weights: ConvWeights): ConvStage {
    return {
      kind: 'conv', activation: fused, dataFormat: this.dataFormat, weights,
      runWith: (x, activation) => conv2d(x, weights.kernel, this.convOptions(activation, weights.bias)),
      runWithPool: (x, activation, pool) => conv2dPool(x, weights.kernel, this.convOptions(activation, weights.bias), pool),
      withWeights: (other) => this.convStage(fused, other),
    };
  }

  private convOptions(activation: FusedActivation, bias: Tensor | null = this.bias): Conv2DOpOptions {
    return {
      strides: this.strides, padding: this.padding, dilations: this.dilationRate, groups: this.groups,
      dataFormat: this.dataFormat, bias, activation,
    };
  }

  private builtKernel(): Variable {
    if (this.kernel === null) throw new Error(`${this.where} is not built`);
    return this.kernel;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), filters: this.filters, groups: this.groups, ...weightConfig('kernel', this.kernelSpec) };
  }
}
