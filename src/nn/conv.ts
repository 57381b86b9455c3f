/**
 * Conv2d: PyTorch's 2-D convolution module on NCHW input.
 *
 *   weight [outChannels, inChannels / groups, kH, kW] (OIHW), bias [outChannels]
 *   H_out = floor((H + 2*padding - dilation*(kH-1) - 1) / stride) + 1, same for W
 *   init: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weight and bias, fanIn = inChannels/groups*kH*kW
 *
 * Example: `new Conv2d(1, 20, 5, 1)` maps [N, 1, 28, 28] to [N, 20, 24, 24] with 520 parameters.
 */
import type { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ConvStage, ConvWeights, Stage } from '../plan/stage.js';
import { deferFirst } from '../plan/deferred-chain.js';
import { windowOutput } from '../ops/conv-geometry.js';
import { conv2d, conv2dPool, conv2dResidual, conv2dWith, convOpOf, HWIO_OF_OIHW, type IntPair, pointwiseOf, separableBlockOf } from './functional.js';
import { defaultGenerator, defaultUniform } from './init.js';
import { Module } from './module.js';
import { explicitPadding, type ModulePadding, pad2d, PADDING_MODES, type PaddingMode } from './padding.js';
import { unknownNameError } from '../names/unknown-name.js';
import { Parameter } from './parameter.js';

export interface Conv2dOptions {
  stride?: IntPair;
  padding?: ModulePadding;
  dilation?: IntPair;
  groups?: number;
  bias?: boolean;
  paddingMode?: PaddingMode;
  /** Generator for the initial weights (default: the one `manualSeed` sets). */
  rng?: Random;
}

const pairOf = (v: IntPair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);
const tuple = (p: readonly number[]) => `(${p.join(', ')})`;

export class Conv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: ModulePadding;
  readonly dilation: [number, number];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  weight: Parameter;
  bias: Parameter | null;
  /** [top, bottom, left, right] resolved from `padding`. */
  readonly #pad: [number, number, number, number];
  /**
   * The stage of the current weight and bias, kept across calls so the plan of the chains this conv
   * begins is kept too (plan/kept-plan.ts); made again when either Parameter is replaced.
   */
  #stage: { weight: Parameter; bias: Parameter | null; stage: ConvStage; operands: readonly (Tensor | null)[] } | null = null;
  /** The unfused conv, as a deferred chain runs it alone. */
  readonly #runAlone = (h: Tensor): Tensor => this.#run(h);

  /** The fourth argument is the stride (PyTorch's positional order) or an options object. */
  constructor(inChannels: number, outChannels: number, kernelSize: IntPair, strideOrOptions: IntPair | Conv2dOptions = {}) {
    super();
    const o: Conv2dOptions = typeof strideOrOptions === 'object' && !Array.isArray(strideOrOptions) ? strideOrOptions : { stride: strideOrOptions };
    const groups = o.groups ?? 1;
    for (const [name, v] of [['inChannels', inChannels], ['outChannels', outChannels], ['groups', groups]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`Conv2d: ${name} must be a positive integer, got ${v}`);
    }
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new Error(`Conv2d: inChannels (${inChannels}) and outChannels (${outChannels}) must both be divisible by groups (${groups})`);
    }
    this.paddingMode = o.paddingMode ?? 'zeros';
    if (!PADDING_MODES.includes(this.paddingMode)) throw unknownNameError('paddingMode', this.paddingMode, PADDING_MODES, 'Conv2d');
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.groups = groups;
    this.kernelSize = pairOf(kernelSize);
    this.stride = pairOf(o.stride ?? 1);
    this.dilation = pairOf(o.dilation ?? 1);
    for (const [name, p] of [['kernelSize', this.kernelSize], ['stride', this.stride], ['dilation', this.dilation]] as const) {
      if (!p.every((n) => Number.isInteger(n) && n >= 1)) throw new Error(`Conv2d: ${name} must be a positive integer or a pair of them, got ${JSON.stringify(p)}`);
    }
    this.padding = o.padding ?? 0;
    this.#pad = explicitPadding(this.padding, this.kernelSize, this.stride, this.dilation, 'Conv2d');
    const rng = o.rng ?? defaultGenerator();
    const fanIn = (inChannels / groups) * this.kernelSize[0] * this.kernelSize[1];
    this.weight = new Parameter(defaultUniform([outChannels, inChannels / groups, ...this.kernelSize], fanIn, rng));
    // OIHW to the user, HWIO in storage: the conv kernels read it, and the optimizer updates it, as stored.
    this.weight.holdLayout({ layout: HWIO_OF_OIHW, dims: this.weight.shape });
    this.bias = o.bias ?? true ? new Parameter(defaultUniform([outChannels], fanIn, rng)) : null;
  }

  /**
   * The convolution of x. Its output is deferred (plan/deferred-chain.ts): a relu or pooling that
   * follows in `forward` code may then run fused with it, as the planner decides.
   */
  forward(x: Tensor): Tensor {
    this.#checkInput(x);
    if (this.paddingMode !== 'zeros') return this.#run(x);
    const { stage, operands } = this.#keptStage();
    const deferred = deferFirst(x, { stage, shape: this.#outputShape(x), run: this.#runAlone, operands, site: this });
    return deferred ?? this.#run(x);
  }

  #run(x: Tensor): Tensor {
    const options = { stride: this.stride, dilation: this.dilation, groups: this.groups };
    if (this.paddingMode === 'zeros') return conv2d(x, this.weight, this.bias, { ...options, padding: this.#padAsPair() });
    return conv2d(pad2d(x, this.#pad, this.paddingMode), this.weight, this.bias, { ...options, padding: 0 });
  }

  /** [N, outChannels, H_out, W_out] (zero padding). */
  #outputShape(x: Tensor): number[] {
    const [n, , h, w] = x.shape as [number, number, number, number];
    const [oh, ow] = windowOutput('Conv2d', x.shape, [h, w], this.kernelSize, this.stride, this.dilation, this.#pad);
    return [n, this.outChannels, oh, ow];
  }

  /** A conv stage with zero padding (other padding modes pad first, outside the conv op). */
  override planStage(): Stage {
    if (this.paddingMode !== 'zeros') return super.planStage();
    return this.#keptStage().stage;
  }

  #keptStage() {
    const { weight, bias } = this;
    const kept = this.#stage;
    if (kept !== null && kept.weight === weight && kept.bias === bias) return kept;
    this.#stage = { weight, bias, stage: this.#convStage({ kernel: weight, bias, outAxes: [0] }), operands: [weight, bias] };
    return this.#stage;
  }

  /** This module's conv with `weights` (its own, or a batch norm's fold of them). */
  #convStage(weights: ConvWeights): ConvStage {
    const { kernel, bias } = weights;
    const stage: ConvStage = {
      kind: 'conv', activation: 'linear', dataFormat: 'channelsFirst', weights,
      runWith: (x, activation) => {
        this.#checkInput(x);
        return conv2dWith(x, kernel, bias, this.#options(), activation);
      },
      runWithPool: (x, activation, pool) => {
        this.#checkInput(x);
        return conv2dPool(x, kernel, bias, this.#options(), activation, pool);
      },
      runWithResidual: (x, activation, residual) => {
        this.#checkInput(x);
        return conv2dResidual(x, kernel, bias, this.#options(), activation, residual);
      },
      withWeights: (other) => this.#convStage(other),
    };
    if (this.#pad.every((p) => p === 0)) Object.assign(stage, { unpaddedWindow: { kernelSize: this.kernelSize, strides: this.stride, dilations: this.dilation } });
    // A depthwise -> pointwise pair may run as one conv2dPointwise block (the planner's convPointwise).
    if (this.groups > 1) stage.separableBlock = (_shape, activation, next) => separableBlockOf(kernel, bias, this.#options(), activation, next);
    if (this.#isPointwise()) stage.pointwise = () => pointwiseOf(kernel, bias);
    if (this.groups === 1) stage.pointwiseStem = (_shape, activation) => convOpOf(kernel, bias, this.#options(), activation);
    return stage;
  }

  /** 1x1, stride 1, undilated, ungrouped, unpadded: a matrix product over channels at every pixel. */
  #isPointwise(): boolean {
    return this.groups === 1 && [...this.kernelSize, ...this.stride, ...this.dilation].every((v) => v === 1) && this.#pad.every((p) => p === 0);
  }

  #options() {
    return { stride: this.stride, dilation: this.dilation, groups: this.groups, padding: this.#padAsPair() };
  }

  #checkInput(x: Tensor): void {
    if (x.rank !== 4 || x.shape[1] !== this.inChannels) {
      throw new Error(`Conv2d(${this.inChannels}, ${this.outChannels}): expected input [N, ${this.inChannels}, H, W], got shape [${x.shape.join(', ')}]`);
    }
  }

  /** Symmetric padding goes to F.conv2d as a pair; the odd 'same' case is padded explicitly. */
  #padAsPair(): ModulePadding {
    const [t, b, l, r] = this.#pad;
    return t === b && l === r ? [t, l] : this.padding;
  }

  override extraRepr(): string {
    const parts = [`${this.inChannels}, ${this.outChannels}, kernel_size=${tuple(this.kernelSize)}, stride=${tuple(this.stride)}`];
    const [t, b, l, r] = this.#pad;
    if (typeof this.padding === 'string') parts.push(`padding=${this.padding}`);
    else if (t + b + l + r > 0) parts.push(`padding=${tuple([t, l])}`);
    if (this.dilation.some((d) => d !== 1)) parts.push(`dilation=${tuple(this.dilation)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias === null) parts.push('bias=False');
    if (this.paddingMode !== 'zeros') parts.push(`padding_mode=${this.paddingMode}`);
    return parts.join(', ');
  }
}
