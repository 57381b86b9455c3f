/**
 * Conv2D: a 2-D convolution layer with Keras 3 semantics.
 *
 *   input  [None, H, W, C] (channelsLast, default) or [None, C, H, W] (channelsFirst)
 *   kernel [kh, kw, C / groups, filters] (HWIO), bias [filters]
 *   output H_out = floor((H + padTotal - d*(kh-1) - 1) / s) + 1, same for W ('same': ceil(H / s))
 *
 * Example: `new Conv2D(32, 3, { activation: 'relu', inputShape: [28, 28, 1] })` maps
 * [None, 28, 28, 1] to [None, 26, 26, 32] with 3*3*1*32 + 32 = 320 parameters.
 */
import { conv2d, conv2dAttrs } from '../ops/index.js';
import { shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import { getActivation, type ResolvedActivation } from './activations.js';
import {
  fromChannelsLast, type LayerDataFormat, type LayerPadding, normalizeDataFormat, normalizePadding,
  normalizePair, spatialAndChannels, toChannelsLast,
} from './conv-utils.js';
import { getInitializer, type Initializer, type InitializerSpec, serializeInitializer } from './initializers.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

export interface Conv2DOptions extends LayerArgs {
  strides?: number | [number, number];
  padding?: LayerPadding;
  /** 'channelsLast' (NHWC, default) or 'channelsFirst'; Keras's snake_case spellings work too. */
  dataFormat?: LayerDataFormat | 'channels_last' | 'channels_first';
  dilationRate?: number | [number, number];
  groups?: number;
  activation?: string | null;
  useBias?: boolean;
  kernelInitializer?: string | InitializerSpec | Initializer;
  biasInitializer?: string | InitializerSpec | Initializer;
}

export class Conv2D extends Layer {
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: LayerPadding;
  readonly dataFormat: LayerDataFormat;
  readonly dilationRate: [number, number];
  readonly groups: number;
  readonly activation: ResolvedActivation;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  kernel: Variable | null = null;
  bias: Variable | null = null;

  constructor(filters: number, kernelSize: number | [number, number], options: Conv2DOptions = {}) {
    super(options);
    const where = `Layer "${this.name}" (Conv2D)`;
    if (!Number.isInteger(filters) || filters < 1) throw new Error(`${where}: filters must be a positive integer, got ${filters}`);
    this.filters = filters;
    this.kernelSize = normalizePair(kernelSize, 'kernelSize', where);
    this.strides = normalizePair(options.strides ?? 1, 'strides', where);
    this.dilationRate = normalizePair(options.dilationRate ?? 1, 'dilationRate', where);
    this.padding = normalizePadding(options.padding, where);
    this.dataFormat = normalizeDataFormat(options.dataFormat, where);
    this.groups = options.groups ?? 1;
    if (!Number.isInteger(this.groups) || this.groups < 1 || filters % this.groups !== 0) {
      throw new Error(`${where}: groups must be a positive integer dividing filters (${filters}), got ${this.groups}`);
    }
    // Keras rejects this combination too: the strided, dilated kernel is not supported.
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1)) {
      throw new Error(`${where}: strides > 1 cannot be combined with dilationRate > 1 (got strides [${this.strides.join(', ')}], dilationRate [${this.dilationRate.join(', ')}])`);
    }
    this.activation = getActivation(options.activation);
    this.useBias = options.useBias ?? true;
    this.kernelInitializer = getInitializer(options.kernelInitializer ?? 'glorot_uniform');
    this.biasInitializer = getInitializer(options.biasInitializer ?? 'zeros');
  }

  override get className(): string {
    return 'Conv2D';
  }

  override build(inputShape: SymbolicShape): void {
    this.assertInputShape(inputShape);
    const channels = spatialAndChannels(inputShape, this.dataFormat).channels as number;
    const [kh, kw] = this.kernelSize;
    this.kernel = this.addWeight('kernel', [kh, kw, channels / this.groups, this.filters], this.kernelInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], this.biasInitializer);
    super.build(inputShape);
  }

  override assertInputShape(shape: SymbolicShape): void {
    if (shape.length !== 4) {
      throw this.shapeError(this.dataFormat === 'channelsLast' ? '[None, height, width, channels]' : '[None, channels, height, width]', shape);
    }
    const { hw, channels } = spatialAndChannels(shape, this.dataFormat);
    if (channels === null || channels % this.groups !== 0) {
      throw this.shapeError(`a known number of channels divisible by groups (${this.groups})`, shape);
    }
    const expected = this.kernel?.shape[2];
    if (expected !== undefined && channels !== expected * this.groups) {
      throw this.shapeError(`${expected * this.groups} channels (the layer was built for them)`, shape);
    }
    const effective = this.kernelSize.map((k, i) => this.dilationRate[i] * (k - 1) + 1);
    if (this.padding === 'valid' && hw.some((n, i) => n !== null && n < effective[i])) {
      throw new Error(
        `Layer "${this.name}" (Conv2D): kernel ${effective.join('x')} is larger than the input ` +
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
    const { outShape } = conv2dAttrs(x, [kh, kw, x[3] / this.groups, this.filters], {
      strides: this.strides, padding: this.padding, dilations: this.dilationRate, groups: this.groups,
    }, this.name);
    const out = fromChannelsLast(outShape, this.dataFormat, inputShape);
    const { hw } = spatialAndChannels(inputShape, this.dataFormat);
    const hAxis = this.dataFormat === 'channelsLast' ? 1 : 2;
    return out.map((d, i) => ((i === hAxis && hw[0] === null) || (i === hAxis + 1 && hw[1] === null) ? null : d));
  }

  call(x: Tensor, _options?: CallOptions): Tensor {
    if (this.kernel === null) throw new Error(`Layer "${this.name}" (Conv2D) is not built`);
    const y = conv2d(x, this.kernel, {
      strides: this.strides, padding: this.padding, dilations: this.dilationRate, groups: this.groups,
      dataFormat: this.dataFormat, bias: this.bias, activation: this.activation.fused ?? 'linear',
    });
    return this.activation.fused === null ? this.activation.fn(y) : y;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dataFormat: this.dataFormat,
      dilationRate: this.dilationRate,
      groups: this.groups,
      activation: this.activation.name,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
    };
  }
}
