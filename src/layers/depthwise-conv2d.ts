/**
 * DepthwiseConv2D: each input channel convolved with its own `depthMultiplier` filters (Keras 3).
 *
 *   kernel [kh, kw, C, depthMultiplier], bias [C * depthMultiplier]
 *   output channel c * depthMultiplier + m comes from input channel c and filter m
 *
 * Runs as a grouped convolution with groups = C: the kernel viewed as [kh, kw, 1, C * m] puts
 * filter (c, m) at output c * m + m, the order Keras uses.
 *
 * Example: `new DepthwiseConv2D(3)` on [None, 8, 8, 4] gives [None, 6, 6, 4] with 3*3*4 + 4 = 40 params.
 */
import type { FusedActivation } from '../backend/kernels.js';
import { conv2d, type Conv2DOptions } from '../ops/conv2d.js';
import { conv2dPool } from '../ops/conv2d-pool.js';
import { reshape } from '../ops/shape-ops.js';
import { type ConvStage, type ConvWeights, OPAQUE, type Stage } from '../plan/stage.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import { BaseConv2D } from './base-conv2d.js';
import type { ConstraintSpec } from './constraints.js';
import { type BaseConvOptions, type InitializerArg, positiveInt, weightConfig, type WeightSpec, weightSpec } from './conv-options.js';
import type { SymbolicShape } from './layer.js';
import type { RegularizerSpec } from './regularizers.js';

export interface DepthwiseConv2DOptions extends BaseConvOptions {
  depthMultiplier?: number;
  depthwiseInitializer?: InitializerArg;
  depthwiseRegularizer?: RegularizerSpec | null;
  depthwiseConstraint?: ConstraintSpec | null;
}

/** A depthwise kernel [kh, kw, C, m] applied as the grouped conv it is. */
export function depthwiseConv(x: Tensor, kernel: Tensor, layer: BaseConv2D): Tensor {
  return conv2d(x, groupedKernel(kernel), depthwiseOptions(kernel, layer));
}

/** [kh, kw, C, m] as the grouped conv's HWIO kernel [kh, kw, 1, C * m]. */
function groupedKernel(kernel: Tensor): Tensor {
  const [kh, kw, c, m] = kernel.shape;
  return reshape(kernel, [kh, kw, 1, c * m]);
}

function depthwiseOptions(kernel: Tensor, layer: BaseConv2D): Conv2DOptions {
  return { strides: layer.strides, padding: layer.padding, dilations: layer.dilationRate, groups: kernel.shape[2], dataFormat: layer.dataFormat };
}

export class DepthwiseConv2D extends BaseConv2D {
  readonly depthMultiplier: number;
  readonly depthwiseSpec: WeightSpec;
  depthwiseKernel: Variable | null = null;

  constructor(kernelSize: number | [number, number], options: DepthwiseConv2DOptions = {}) {
    super(kernelSize, options);
    this.depthMultiplier = positiveInt(options.depthMultiplier ?? 1, 'depthMultiplier', this.where);
    this.depthwiseSpec = weightSpec(options.depthwiseInitializer, 'glorot_uniform', options.depthwiseRegularizer, options.depthwiseConstraint, this.where);
  }

  override get className(): string {
    return 'DepthwiseConv2D';
  }

  protected outputChannels(inChannels: number): number {
    return inChannels * this.depthMultiplier;
  }

  protected override checkChannels(channels: number, shape: SymbolicShape): void {
    const expected = this.depthwiseKernel?.shape[2];
    if (expected !== undefined && channels !== expected) throw this.shapeError(`${expected} channels (the layer was built for them)`, shape);
  }

  override build(inputShape: SymbolicShape): void {
    this.assertInputShape(inputShape);
    const channels = this.inChannels(inputShape);
    const s = this.depthwiseSpec;
    this.depthwiseKernel = this.addWeight('depthwise_kernel', [...this.kernelSize, channels, this.depthMultiplier], s.initializer, { regularizer: s.regularizer, constraint: s.constraint });
    this.buildBias(channels);
    super.build(inputShape);
  }

  protected convolve(x: Tensor): Tensor {
    return depthwiseConv(x, this.depthwiseKernel as Variable, this);
  }

  /** A conv stage (the grouped conv it is) when the activation runs in the conv kernel's epilogue. */
  protected override stage(): Stage {
    const fused = this.conv.activation.fused;
    if (fused === null || this.depthwiseKernel === null) return OPAQUE;
    return this.convStage(fused, { kernel: this.depthwiseKernel, bias: this.bias, outAxes: [2, 3] });
  }

  /** This layer's depthwise conv with `weights` (its own, or a batch norm's fold of them). */
  private convStage(fused: FusedActivation, weights: ConvWeights): ConvStage {
    const options = (activation: FusedActivation): Conv2DOptions => ({ ...depthwiseOptions(weights.kernel, this), bias: weights.bias, activation });
    return {
      kind: 'conv', activation: fused, dataFormat: this.dataFormat, weights,
      runWith: (x, activation) => conv2d(x, groupedKernel(weights.kernel), options(activation)),
      runWithPool: (x, activation, pool) => conv2dPool(x, groupedKernel(weights.kernel), options(activation), pool),
      withWeights: (other) => this.convStage(fused, other),
    };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), depthMultiplier: this.depthMultiplier, ...weightConfig('depthwise', this.depthwiseSpec) };
  }
}
