/**
 * Conv2DTranspose: the transposed 2-D convolution (Keras 3), which upsamples: the shape of its
 * output is the shape a Conv2D with the same settings would map back to the input's.
 *
 *   kernel [kh, kw, filters, C] (Keras's layout), bias [filters]
 *   H_out = H * s + max(k_eff - s, 0) ('valid'), H * s ('same');
 *   with outputPadding p: (H - 1) * s + k_eff - 2 * pad + p, pad = k_eff // 2 for 'same', else 0
 *
 * Example: `new Conv2DTranspose(8, 3, { strides: 2 })` on [None, 7, 7, 16] gives [None, 15, 15, 8]
 * with 3*3*8*16 + 8 = 1,160 params.
 */
import { add } from '../ops/binary.js';
import { conv2dTranspose, deconvLength } from '../ops/conv2d-transpose.js';
import { transpose } from '../ops/shape-ops.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import type { ConstraintSpec } from './constraints.js';
import {
  type BaseConvOptions, convConfig, type InitializerArg, positiveInt, type ResolvedConv, resolveConvOptions, weightConfig, type WeightSpec, weightSpec,
} from './conv-options.js';
import { normalizePair, spatialAndChannels } from './conv-utils.js';
import { type CallOptions, Layer, type SymbolicShape } from './layer.js';
import type { RegularizerSpec } from './regularizers.js';

export interface Conv2DTransposeOptions extends BaseConvOptions {
  outputPadding?: number | [number, number] | null;
  kernelInitializer?: InitializerArg;
  kernelRegularizer?: RegularizerSpec | null;
  kernelConstraint?: ConstraintSpec | null;
}

export class Conv2DTranspose extends Layer {
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly outputPadding: [number, number] | null;
  readonly conv: ResolvedConv;
  readonly kernelSpec: WeightSpec;
  kernel: Variable | null = null;
  bias: Variable | null = null;

  constructor(filters: number, kernelSize: number | [number, number], options: Conv2DTransposeOptions = {}) {
    super(options);
    this.filters = positiveInt(filters, 'filters', this.where);
    this.kernelSize = normalizePair(kernelSize, 'kernelSize', this.where);
    this.conv = resolveConvOptions(options, this.where);
    this.activityRegularizer = this.conv.activityRegularizer;
    const p = options.outputPadding;
    this.outputPadding = p === undefined || p === null ? null : typeof p === 'number' ? [p, p] : [p[0], p[1]];
    this.outputPadding?.forEach((v, i) => {
      if (!Number.isInteger(v) || v < 0 || v >= this.conv.strides[i]) {
        throw new Error(`${this.where}: outputPadding must be an integer >= 0 and below the stride (${this.conv.strides[i]}), got ${v}`);
      }
    });
    this.kernelSpec = weightSpec(options.kernelInitializer, 'glorot_uniform', options.kernelRegularizer, options.kernelConstraint, this.where);
  }

  override get className(): string {
    return 'Conv2DTranspose';
  }

  override assertInputShape(shape: SymbolicShape): void {
    const cl = this.conv.dataFormat === 'channelsLast';
    if (shape.length !== 4) throw this.shapeError(cl ? '[None, height, width, channels]' : '[None, channels, height, width]', shape);
    const { channels } = spatialAndChannels(shape, this.conv.dataFormat);
    if (channels === null) throw this.shapeError('a known number of channels', shape);
    const expected = this.kernel?.shape[3];
    if (expected !== undefined && channels !== expected) throw this.shapeError(`${expected} channels (the layer was built for them)`, shape);
  }

  override build(inputShape: SymbolicShape): void {
    this.assertInputShape(inputShape);
    const c = spatialAndChannels(inputShape, this.conv.dataFormat).channels as number;
    const k = this.kernelSpec;
    this.kernel = this.addWeight('kernel', [...this.kernelSize, this.filters, c], k.initializer, { regularizer: k.regularizer, constraint: k.constraint });
    const b = this.conv.bias;
    if (this.conv.useBias) this.bias = this.addWeight('bias', [this.filters], b.initializer, { regularizer: b.regularizer, constraint: b.constraint });
    super.build(inputShape);
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.assertInputShape(inputShape);
    const { hw } = spatialAndChannels(inputShape, this.conv.dataFormat);
    const [out0, out1] = hw.map((n, i) =>
      n === null ? null : deconvLength(n, this.kernelSize[i], this.conv.strides[i], this.conv.dilationRate[i], this.conv.padding, this.outputPadding?.[i] ?? null),
    );
    return this.conv.dataFormat === 'channelsLast' ? [inputShape[0], out0, out1, this.filters] : [inputShape[0], this.filters, out0, out1];
  }

  call(x: Tensor, _options?: CallOptions): Tensor {
    if (this.kernel === null) throw new Error(`${this.where} is not built`);
    const cf = this.conv.dataFormat === 'channelsFirst';
    let y = conv2dTranspose(cf ? transpose(x, [0, 2, 3, 1]) : x, this.kernel, {
      strides: this.conv.strides, padding: this.conv.padding, dilations: this.conv.dilationRate, outputPadding: this.outputPadding,
    });
    if (this.bias !== null) y = add(y, this.bias);
    y = this.conv.activation.fn(y);
    return cf ? transpose(y, [0, 3, 1, 2]) : y;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, outputPadding: this.outputPadding,
      ...convConfig(this.conv), ...weightConfig('kernel', this.kernelSpec),
    };
  }
}

