/**
 * What the planner knows of one step of a model: a Keras layer, an `nn` module. Each describes
 * itself as a stage; the planner matches patterns on stages, never on classes, so the Keras and
 * PyTorch-style APIs share every fusion.
 */
import type { FusedActivation } from '../backend/kernels.js';
import type { DataFormat } from '../ops/conv-geometry.js';
import type { PoolSpec } from '../ops/conv2d-pool.js';
import type { PointwiseConv, PointwiseStemConv, SeparableBlock } from '../ops/conv2d-pointwise.js';
import type { Tensor } from '../tensor/tensor.js';

/** A convolution whose epilogue (bias, 'linear', 'relu' or 'relu6') runs in its kernel. */
export interface ConvStage {
  readonly kind: 'conv';
  /** The activation the stage itself applies. */
  readonly activation: FusedActivation;
  readonly dataFormat: DataFormat;
  /** activation(conv(x) + bias), the activation in the conv kernel's epilogue. */
  runWith(x: Tensor, activation: FusedActivation): Tensor;
  /** pool(activation(conv(x) + bias)) as the fused op (ops/conv2d-pool.ts), with this stage's weights. */
  runWithPool(x: Tensor, activation: FusedActivation, pool: PoolSpec): Tensor;
  /**
   * Present on a conv that pads nothing: its window, so that the op before it can compute only the
   * top-left rows and columns it reads (the planner's convPoolCrop).
   */
  readonly unpaddedWindow?: ConvWindow;
  /** The weights it runs with, when it can run with others of the same shapes (BN folding). */
  readonly weights?: ConvWeights;
  /** The same conv, with `weights` in place of its own. */
  withWeights?(weights: ConvWeights): ConvStage;
  /**
   * The same conv run on zeroPad(x, padding): one conv whose own padding grows by `padding` (its
   * kernels skip padded taps). Absent where no zero-padding step can precede the conv (nn, whose
   * Conv2d takes its padding itself), or where a padding was folded already.
   */
  withPadding?(padding: SpatialPadding): ConvStage;
  /**
   * activation(conv(x) + bias + residual) as one op (ops/conv2d.ts `residual`), the residual added
   * in the kernel's output pass: a residual block's conv -> Add -> ReLU. Absent where the conv op
   * cannot take a residual.
   */
  runWithResidual?(x: Tensor, activation: FusedActivation, residual: Tensor): Tensor;
  /**
   * This conv, with `activation` in its epilogue, as the first conv of a conv2dPointwise block
   * (ops/conv2d-pointwise.ts) whose pointwise conv is `next`, for an input of `inputShape`
   * (a folded zero padding depends on it). Present on grouped (depthwise) convs, whose output a
   * backend keeps in cache between the two (a MobileNet block).
   */
  separableBlock?(inputShape: readonly number[], activation: FusedActivation, next: PointwiseConv): SeparableBlock;
  /**
   * Present on a 1x1, stride-1, undilated, ungrouped conv: its filter as the conv op takes it
   * ([1, 1, C, K], HWIO) and its bias, for the conv before it to run both (separableBlock).
   */
  pointwise?(): { filter: Tensor; bias: Tensor | null };
  /**
   * Present on ungrouped convs: this conv, with `activation` in its epilogue, as the stem that
   * conv2dPointwise runs before its blocks (a MobileNet's first conv), for an input of `inputShape`.
   */
  pointwiseStem?(inputShape: readonly number[], activation: FusedActivation): PointwiseStemConv;
}

/** A conv's window over its input, by spatial axis (height, width). */
export interface ConvWindow {
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly dilations: readonly [number, number];
}

/** A conv's kernel and bias, and which kernel axis runs over its output channels. */
export interface ConvWeights {
  readonly kernel: Tensor;
  readonly bias: Tensor | null;
  /** The kernel axes that index output channels: [3] for HWIO (Keras), [2, 3] for a Keras depthwise kernel [kh, kw, C, m], [0] for OIHW (nn). */
  readonly outAxes: readonly number[];
}

/** Zero padding of the two spatial axes: [[top, bottom], [left, right]]. */
export type SpatialPadding = readonly [readonly [number, number], readonly [number, number]];

/** Zero padding of the spatial axes (ZeroPadding2D). */
export interface ZeroPadStage {
  readonly kind: 'zeroPad';
  readonly padding: SpatialPadding;
  readonly dataFormat: DataFormat;
}

/** A dense (fully connected) layer whose epilogue (bias, 'linear', 'relu' or 'relu6') runs in its MatMul kernel. */
export interface DenseStage {
  readonly kind: 'dense';
  readonly activation: FusedActivation;
  /** activation(x W + bias) with this stage's weights. */
  runWith(x: Tensor, activation: FusedActivation): Tensor;
}

/** max(x, 0) ('relu') or min(max(x, 0), 6) ('relu6'), elementwise. */
export interface ReluStage {
  readonly kind: 'relu';
  readonly activation: 'relu' | 'relu6';
}

export const RELU: ReluStage = { kind: 'relu', activation: 'relu' };
export const RELU6: ReluStage = { kind: 'relu', activation: 'relu6' };

/** Max, min or average pooling, as the pool op defines it. */
export interface PoolStage {
  readonly kind: 'pool';
  readonly pool: PoolSpec;
  readonly dataFormat: DataFormat;
}

/**
 * A batch normalization. In training its kernels can also apply a relu that follows it; in
 * inference (moving statistics) it is a per-channel affine y = x * scale + shift, which a conv
 * before it absorbs into its weights.
 */
export interface BatchNormStage {
  readonly kind: 'batchNorm';
  /**
   * relu (or relu6; 'linear': none) of this step(x) as one op where the step runs its training kernel
   * (BatchNormTraining with the activation, gradient masked inside the backward kernel); the plain
   * step and the activation otherwise. `training` is the model call's (an nn module reads its own
   * mode instead).
   */
  runWithRelu(x: Tensor, training: boolean, activation: FusedActivation): Tensor;
  /**
   * activation(this step(x) + residual) as one op where the step runs its training kernel
   * (BatchNormTraining reading the residual in its apply pass; its gradient kernel writes the
   * residual's gradient), the plain step, an add and the activation otherwise.
   */
  runWithResidual?(x: Tensor, training: boolean, activation: ReluStage['activation'], residual: Tensor): Tensor;
  /** The format whose channel axis it normalizes (channelsLast: the last of 4, channelsFirst: 1), where `fold` or `withMeanShift` is offered. */
  readonly dataFormat?: DataFormat;
  /**
   * Training only (batch statistics): this step normalizing x + shift ([C], per channel of
   * `dataFormat`), whose output is this step's of x (the norm subtracts each channel's batch mean)
   * and whose moving mean follows the batch mean + shift; the shift's gradient is zero. A conv's
   * bias before the norm runs here (convBnTrain), the conv without it.
   */
  withMeanShift?(shift: Tensor): BatchNormStage;
  /** Inference only: `weights` with this normalization folded in, computed once per version of every variable involved. */
  fold?(weights: ConvWeights): ConvWeights;
}

/**
 * The mean of each feature map over height and width (Keras GlobalAveragePooling2D): [N, C], or
 * [N, 1, 1, C] / [N, C, 1, 1] with `keepdims`.
 */
export interface GlobalAvgPoolStage {
  readonly kind: 'globalAvgPool';
  readonly keepdims: boolean;
  readonly dataFormat: DataFormat;
}

/**
 * The sum of two tensors (Keras Add of two inputs): a residual block's join. A chain may run
 * through it from one of its inputs; the other (the shortcut) reaches the fused op as a side
 * operand (Fusion.run's `side`).
 */
export interface AddStage {
  readonly kind: 'add';
}

export const ADD: AddStage = { kind: 'add' };

/** Anything the patterns do not look into. */
export interface OpaqueStage {
  readonly kind: 'opaque';
}

export type Stage = ConvStage | DenseStage | ReluStage | PoolStage | GlobalAvgPoolStage | BatchNormStage | ZeroPadStage | AddStage | OpaqueStage;

export const OPAQUE: OpaqueStage = { kind: 'opaque' };
