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
import { conv2d } from '../ops/index.js';
import { OPAQUE, type Stage } from '../plan/stage.js';
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
    const y = conv2d(x, this.builtKernel(), this.fusedConvOptions(act.fused ?? 'linear', this.groups));
    return act.fused === null ? act.fn(y) : y;
  }

  /** A conv stage when the activation runs in the kernel (BaseConv2D.convStage). */
  protected override stage(): Stage {
    return this.kernel === null ? OPAQUE : this.convStage({ kernel: this.kernel, bias: this.bias, outAxes: [3] }, (k) => k, this.groups);
  }

  private builtKernel(): Variable {
    if (this.kernel === null) throw new Error(`${this.where} is not built`);
    return this.kernel;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), filters: this.filters, groups: this.groups, ...weightConfig('kernel', this.kernelSpec) };
  }
}
