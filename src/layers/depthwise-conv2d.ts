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
import { conv2d } from '../ops/conv2d.js';
import { reshape } from '../ops/shape-ops.js';
import { OPAQUE, type Stage } from '../plan/stage.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import { BaseConv2D } from './base-conv2d.js';
import type { ConstraintSpec } from './constraints.js';
import { type BaseConvOptions, type InitializerArg, positiveInt, weightConfig, type WeightSpec, weightSpec } from './conv-options.js';
import type { CallOptions, SymbolicShape } from './layer.js';
import type { RegularizerSpec } from './regularizers.js';

export interface DepthwiseConv2DOptions extends BaseConvOptions {
  depthMultiplier?: number;
  depthwiseInitializer?: InitializerArg;
  depthwiseRegularizer?: RegularizerSpec | null;
  depthwiseConstraint?: ConstraintSpec | null;
}

/** A depthwise kernel [kh, kw, C, m] applied as the grouped conv it is. */
export function depthwiseConv(x: Tensor, kernel: Tensor, layer: BaseConv2D): Tensor {
  const [kh, kw, c, m] = kernel.shape;
  return conv2d(x, reshape(kernel, [kh, kw, 1, c * m]), {
    strides: layer.strides, padding: layer.padding, dilations: layer.dilationRate, groups: c, dataFormat: layer.dataFormat,
  });
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

  /** Bias and 'linear'/'relu' run in the depthwise kernel, as Conv2D's do; other activations follow it. */
  override call(x: Tensor, _options?: CallOptions): Tensor {
    const act = this.conv.activation;
    const kernel = this.groupedKernel();
    const y = conv2d(x, kernel.filter, this.fusedConvOptions(act.fused ?? 'linear', kernel.groups));
    return act.fused === null ? act.fn(y) : y;
  }

  /** A conv stage when the activation runs in the kernel (BaseConv2D.convStage). */
  protected override stage(): Stage {
    const k = this.depthwiseKernel;
    if (k === null) return OPAQUE;
    // outAxes [2, 3]: a depthwise kernel [kh, kw, C, m] has C * m output channels.
    return this.convStage({ kernel: k, bias: this.bias, outAxes: [2, 3] }, (kernel) => asGroupedFilter(kernel).filter, k.shape[2]!);
  }

  /** The kernel [kh, kw, C, m] viewed as the grouped conv's filter [kh, kw, 1, C * m], groups = C. */
  private groupedKernel(): { filter: Tensor; groups: number } {
    const k = this.depthwiseKernel;
    if (k === null) throw new Error(`${this.where} is not built`);
    return asGroupedFilter(k);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), depthMultiplier: this.depthMultiplier, ...weightConfig('depthwise', this.depthwiseSpec) };
  }
}

/** A depthwise kernel [kh, kw, C, m] viewed as the grouped conv's filter [kh, kw, 1, C * m], groups = C. */
function asGroupedFilter(k: Tensor): { filter: Tensor; groups: number } {
  const [kh, kw, c, m] = k.shape as [number, number, number, number];
  return { filter: reshape(k, [kh, kw, 1, c * m]), groups: c };
}
