/**
 * The shared body of the 2-D convolution layers (Conv2D, DepthwiseConv2D, SeparableConv2D): the
 * Keras options, input checks, output-shape inference and the bias/activation tail. Subclasses
 * create their kernels in `build` and compute the convolution in `convolve`.
 *
 *   H_out = floor((H - dilation*(k-1) - 1) / stride) + 1 ('valid'),  ceil(H / stride) ('same')
 */
import type { FusedActivation } from '../backend/kernels.js';
import { add } from '../ops/binary.js';
import { explicitPadding } from '../ops/conv-geometry.js';
import { conv2d, conv2dAttrs, type Conv2DOptions as Conv2DOpOptions, conv2dPool } from '../ops/index.js';
import { reshape } from '../ops/shape-ops.js';
import { type ConvStage, type ConvWeights, OPAQUE, type SpatialPadding, type Stage } from '../plan/stage.js';
import { shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import { type BaseConvOptions, convConfig, type ResolvedConv, resolveConvOptions } from './conv-options.js';
import { fromChannelsLast, normalizePair, spatialAndChannels, toChannelsLast } from './conv-utils.js';
import { type CallOptions, Layer, type SymbolicShape } from './layer.js';

export abstract class BaseConv2D extends Layer {
  readonly kernelSize: [number, number];
  readonly conv: ResolvedConv;
  bias: Variable | null = null;

  constructor(kernelSize: number | [number, number], options: BaseConvOptions) {
    super(options);
    this.kernelSize = normalizePair(kernelSize, 'kernelSize', this.where);
    this.conv = resolveConvOptions(options, this.where);
    this.activityRegularizer = this.conv.activityRegularizer;
  }

  get strides(): [number, number] { return this.conv.strides; }
  get padding(): 'valid' | 'same' { return this.conv.padding; }
  get dataFormat(): 'channelsLast' | 'channelsFirst' { return this.conv.dataFormat; }
  get dilationRate(): [number, number] { return this.conv.dilationRate; }
  get useBias(): boolean { return this.conv.useBias; }

  /** Output channels for `inChannels` input channels. */
  protected abstract outputChannels(inChannels: number): number;

  /** Subclass check of the channel count (e.g. divisibility by groups); throws with a clear message. */
  protected checkChannels(_channels: number, _shape: SymbolicShape): void {}

  /** The convolution in NHWC or NCHW (as `dataFormat`), without bias or activation. */
  protected abstract convolve(x: Tensor): Tensor;

  /** Called by subclasses' `build` after their kernels: adds the bias. */
  protected buildBias(inChannels: number): void {
    const c = this.conv.bias;
    if (this.useBias) this.bias = this.addWeight('bias', [this.outputChannels(inChannels)], c.initializer, { regularizer: c.regularizer, constraint: c.constraint });
  }

  protected inChannels(shape: SymbolicShape): number {
    return spatialAndChannels(shape, this.dataFormat).channels as number;
  }

  override assertInputShape(shape: SymbolicShape): void {
    if (shape.length !== 4) {
      throw this.shapeError(this.dataFormat === 'channelsLast' ? '[None, height, width, channels]' : '[None, channels, height, width]', shape);
    }
    const { hw, channels } = spatialAndChannels(shape, this.dataFormat);
    if (channels === null) throw this.shapeError('a known number of channels', shape);
    this.checkChannels(channels, shape);
    const effective = this.kernelSize.map((k, i) => this.dilationRate[i] * (k - 1) + 1);
    if (this.padding === 'valid' && hw.some((n, i) => n !== null && n < effective[i])) {
      throw new Error(
        `${this.where}: kernel ${effective.join('x')} is larger than the input ` +
          `${hw.join('x')} (input shape ${shapeToString(shape)}) with padding 'valid'; use padding 'same' or a smaller kernel`,
      );
    }
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.assertInputShape(inputShape);
    // An unknown height or width is inferred with a stand-in that fits the kernel, then reported as null.
    const standIn = Math.max(...this.kernelSize.map((k, i) => this.dilationRate[i] * (k - 1) + 1));
    const x = toChannelsLast(inputShape.map((d, i) => d ?? (i === 0 ? 1 : standIn)), this.dataFormat);
    const [kh, kw] = this.kernelSize;
    const { outShape } = conv2dAttrs(x, [kh, kw, x[3], this.outputChannels(x[3])], {
      strides: this.strides, padding: this.padding, dilations: this.dilationRate,
    }, this.name);
    const out = fromChannelsLast(outShape, this.dataFormat, inputShape);
    const { hw } = spatialAndChannels(inputShape, this.dataFormat);
    const hAxis = this.dataFormat === 'channelsLast' ? 1 : 2;
    return out.map((d, i) => ((i === hAxis && hw[0] === null) || (i === hAxis + 1 && hw[1] === null) ? null : d));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), kernelSize: this.kernelSize, ...convConfig(this.conv) };
  }

  /** Runs `convolve`, then bias and activation (fused into the conv kernel by Conv2D itself). */
  call(x: Tensor, _options?: CallOptions): Tensor {
    if (!this.built) throw new Error(`${this.where} is not built`);
    return this.finish(this.convolve(x));
  }

  /**
   * The conv stage of a layer whose conv op takes `filter(weights.kernel)` (HWIO) with `groups`,
   * when its activation runs in the kernel (bias and 'linear'/'relu'): the planner may fuse a
   * following relu or pooling, fold a following batch norm into `weights`, or take a preceding zero
   * padding as the conv's own.
   */
  protected convStage(weights: ConvWeights, filter: (kernel: Tensor) => Tensor, groups: number): Stage {
    const fused = this.conv.activation.fused;
    return fused === null ? OPAQUE : this.fusedConvStage(fused, weights, filter, groups, null);
  }

  /** The conv stage with `weights`, after `extra` zero padding of its input (null: none). */
  private fusedConvStage(fused: FusedActivation, weights: ConvWeights, filter: (kernel: Tensor) => Tensor, groups: number, extra: SpatialPadding | null): ConvStage {
    // Object.assign and a field set afterwards, not spreads with more fields: V8 put such spread
    // copies, which live through the step, in its old generation (wasm DESIGN.md section 25, rss-v8).
    const options = (x: Pick<Tensor, 'shape'>, activation: FusedActivation): Conv2DOpOptions => Object.assign(
      this.fusedConvOptions(activation, groups), { bias: weights.bias }, extra === null ? {} : { padding: this.paddingAfter(x.shape, extra) },
    );
    const stage: ConvStage = {
      kind: 'conv', activation: fused, dataFormat: this.dataFormat, weights,
      runWith: (x, activation) => conv2d(x, filter(weights.kernel), options(x, activation)),
      runWithPool: (x, activation, pool) => conv2dPool(x, filter(weights.kernel), options(x, activation), pool),
      runWithResidual: (x, activation, residual) => conv2d(x, filter(weights.kernel), { ...options(x, activation), residual }),
      withWeights: (other) => this.fusedConvStage(fused, other, filter, groups, extra),
    };
    if (extra === null && this.padding === 'valid') {
      Object.assign(stage, { unpaddedWindow: { kernelSize: this.kernelSize, strides: this.strides, dilations: this.dilationRate } });
    }
    // One zero padding folds; a second would need the first's padding added to it.
    if (extra === null) stage.withPadding = (padding) => this.fusedConvStage(fused, weights, filter, groups, padding);
    if (groups > 1) stage.separableBlock = (shape, activation, next) => ({ filter: filter(weights.kernel), options: options({ shape }, activation), pointwise: next });
    if (extra === null && groups === 1 && this.isPointwise()) stage.pointwise = () => ({ filter: filter(weights.kernel), bias: weights.bias });
    if (groups === 1) stage.pointwiseStem = (shape, activation) => ({ filter: filter(weights.kernel), options: options({ shape }, activation) });
    return stage;
  }

  /** 1x1, stride 1, undilated: a matrix product over channels at every pixel (any padding is none). */
  private isPointwise(): boolean {
    return [...this.kernelSize, ...this.strides, ...this.dilationRate].every((v) => v === 1);
  }

  /** The conv op's options with this layer's bias and `activation` in the kernel. */
  protected fusedConvOptions(activation: FusedActivation, groups: number): Conv2DOpOptions {
    return {
      strides: this.strides, padding: this.padding, dilations: this.dilationRate, groups,
      dataFormat: this.dataFormat, bias: this.bias, activation,
    };
  }

  /**
   * [top, bottom, left, right]: `extra` zero padding of x plus the padding this layer's own
   * ('valid' or 'same') would add to the padded input, so one conv of x computes both steps.
   */
  private paddingAfter(shape: readonly number[], extra: SpatialPadding): [number, number, number, number] {
    const hAxis = this.dataFormat === 'channelsLast' ? 1 : 2;
    const [[t, b], [l, r]] = extra;
    const padded: [number, number] = [shape[hAxis]! + t + b, shape[hAxis + 1]! + l + r];
    const own = explicitPadding(this.padding, padded, this.kernelSize, this.strides, this.dilationRate);
    return [own[0] + t, own[1] + b, own[2] + l, own[3] + r];
  }

  protected finish(y: Tensor): Tensor {
    return this.conv.activation.fn(this.addBias(y));
  }

  protected addBias(y: Tensor): Tensor {
    if (this.bias === null) return y;
    const shape = this.dataFormat === 'channelsLast' ? [this.bias.size] : [this.bias.size, 1, 1];
    return addBroadcast(y, this.bias, shape);
  }
}

function addBroadcast(y: Tensor, bias: Tensor, shape: number[]): Tensor {
  return add(y, reshape(bias, shape));
}
