/**
 * Conv1D: a 1-D convolution over sequences (Keras 3), run as a Conv2D of height 1.
 *
 *   input [None, steps, C] (channelsLast) or [None, C, steps]; kernel [k, C / groups, filters]
 *   L_out = floor((L - d*(k-1) - 1) / s) + 1 ('valid'), ceil(L / s) ('same'), L ('causal':
 *   d*(k-1) zeros on the left, so an output never sees later steps)
 *
 * Example: `new Conv1D(4, 3)` on [None, 10, 2] gives [None, 8, 4] with 3*2*4 + 4 = 28 params.
 */
import { add } from '../ops/binary.js';
import { conv2d } from '../ops/conv2d.js';
import { pad, reshape, transpose } from '../ops/shape-ops.js';
import { convOutputSize, shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import type { ConstraintSpec } from './constraints.js';
import {
  type BaseConvOptions, convConfig, type InitializerArg, positiveInt, type ResolvedConv, resolveConvOptions, weightConfig, type WeightSpec, weightSpec,
} from './conv-options.js';
import { type CallOptions, Layer, type SymbolicShape } from './layer.js';
import type { RegularizerSpec } from './regularizers.js';

export interface Conv1DOptions extends Omit<BaseConvOptions, 'strides' | 'dilationRate' | 'padding'> {
  strides?: number;
  dilationRate?: number;
  padding?: 'valid' | 'same' | 'causal';
  groups?: number;
  kernelInitializer?: InitializerArg;
  kernelRegularizer?: RegularizerSpec | null;
  kernelConstraint?: ConstraintSpec | null;
}

export class Conv1D extends Layer {
  readonly filters: number;
  readonly kernelSize: number;
  readonly groups: number;
  readonly causal: boolean;
  readonly conv: ResolvedConv;
  readonly kernelSpec: WeightSpec;
  kernel: Variable | null = null;
  bias: Variable | null = null;

  constructor(filters: number, kernelSize: number | [number], options: Conv1DOptions = {}) {
    super(options);
    this.filters = positiveInt(filters, 'filters', this.where);
    this.kernelSize = positiveInt(Array.isArray(kernelSize) ? kernelSize[0] : kernelSize, 'kernelSize', this.where);
    this.causal = options.padding === 'causal';
    const p = this.causal ? 'valid' : (options.padding as 'valid' | 'same' | undefined);
    this.conv = resolveConvOptions({ ...options, padding: p, strides: options.strides ?? 1, dilationRate: options.dilationRate ?? 1 }, this.where);
    this.activityRegularizer = this.conv.activityRegularizer;
    this.groups = options.groups ?? 1;
    if (!Number.isInteger(this.groups) || this.groups < 1 || filters % this.groups !== 0) {
      throw new Error(`${this.where}: groups must be a positive integer dividing filters (${filters}), got ${this.groups}`);
    }
    this.kernelSpec = weightSpec(options.kernelInitializer, 'glorot_uniform', options.kernelRegularizer, options.kernelConstraint, this.where);
  }

  override get className(): string {
    return 'Conv1D';
  }

  private get cl(): boolean {
    return this.conv.dataFormat === 'channelsLast';
  }

  private get effective(): number {
    return this.conv.dilationRate[0] * (this.kernelSize - 1) + 1;
  }

  override assertInputShape(shape: SymbolicShape): void {
    if (shape.length !== 3) throw this.shapeError(this.cl ? '[None, steps, channels]' : '[None, channels, steps]', shape);
    const [steps, channels] = this.cl ? [shape[1], shape[2]] : [shape[2], shape[1]];
    if (channels === null || channels % this.groups !== 0) throw this.shapeError(`a known number of channels divisible by groups (${this.groups})`, shape);
    const built = this.kernel === null ? undefined : this.kernel.shape[1] * this.groups;
    if (built !== undefined && channels !== built) throw this.shapeError(`${built} channels (the layer was built for them)`, shape);
    if (this.conv.padding === 'valid' && !this.causal && steps !== null && steps < this.effective) {
      throw new Error(`${this.where}: kernel ${this.effective} is larger than the input length ${steps} (input shape ${shapeToString(shape)}) with padding 'valid'`);
    }
  }

  override build(inputShape: SymbolicShape): void {
    this.assertInputShape(inputShape);
    const c = (this.cl ? inputShape[2] : inputShape[1]) as number;
    const k = this.kernelSpec;
    this.kernel = this.addWeight('kernel', [this.kernelSize, c / this.groups, this.filters], k.initializer, { regularizer: k.regularizer, constraint: k.constraint });
    const b = this.conv.bias;
    if (this.conv.useBias) this.bias = this.addWeight('bias', [this.filters], b.initializer, { regularizer: b.regularizer, constraint: b.constraint });
    super.build(inputShape);
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.assertInputShape(inputShape);
    const steps = this.cl ? inputShape[1] : inputShape[2];
    const s = this.conv.strides[0];
    let out: number | null = null;
    if (steps !== null) {
      out = this.causal ? convOutputSize(steps + this.effective - 1, this.effective, s) : this.conv.padding === 'same' ? Math.ceil(steps / s) : convOutputSize(steps, this.effective, s);
    }
    return this.cl ? [inputShape[0], out, this.filters] : [inputShape[0], this.filters, out];
  }

  call(x: Tensor, _options?: CallOptions): Tensor {
    if (this.kernel === null) throw new Error(`${this.where} is not built`);
    let seq = this.cl ? x : transpose(x, [0, 2, 1]);
    if (this.causal) seq = pad(seq, [[0, 0], [this.effective - 1, 0], [0, 0]]);
    const [n, steps, c] = seq.shape;
    const [k, ci, f] = this.kernel.shape;
    let y = conv2d(reshape(seq, [n, 1, steps, c]), reshape(this.kernel, [1, k, ci, f]), {
      strides: [1, this.conv.strides[0]], dilations: [1, this.conv.dilationRate[0]], padding: this.conv.padding, groups: this.groups,
    });
    y = reshape(y, [n, y.shape[2], f]);
    if (this.bias !== null) y = add(y, this.bias);
    y = this.conv.activation.fn(y);
    return this.cl ? y : transpose(y, [0, 2, 1]);
  }

  override getConfig(): Record<string, unknown> {
    const base = convConfig(this.conv);
    return {
      ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, groups: this.groups, ...base,
      strides: this.conv.strides[0], dilationRate: this.conv.dilationRate[0], padding: this.causal ? 'causal' : this.conv.padding,
      ...weightConfig('kernel', this.kernelSpec),
    };
  }
}
