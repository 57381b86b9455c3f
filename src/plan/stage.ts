/**
 * What the planner knows of one step of a model: a Keras layer, an `nn` module. Each describes
 * itself as a stage; the planner matches patterns on stages, never on classes, so the Keras and
 * PyTorch-style APIs share every fusion.
 */
import type { FusedActivation } from '../backend/kernels.js';
import type { DataFormat } from '../ops/conv-geometry.js';
import type { PoolSpec } from '../ops/conv2d-pool.js';
import type { Tensor } from '../tensor/tensor.js';

/** A convolution whose epilogue (bias, 'linear' or 'relu') runs in its kernel. */
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
   * activation(conv(zeroPad(x, padding)) + bias) as one conv whose own padding grows by `padding`
   * (its kernels skip padded taps). Absent where no zero-padding step can precede the conv (nn,
   * whose Conv2d takes its padding itself).
   */
  runPadded?(x: Tensor, padding: SpatialPadding, activation: FusedActivation): Tensor;
}

/** Zero padding of the two spatial axes: [[top, bottom], [left, right]]. */
export type SpatialPadding = readonly [readonly [number, number], readonly [number, number]];

/** Zero padding of the spatial axes (ZeroPadding2D). */
export interface ZeroPadStage {
  readonly kind: 'zeroPad';
  readonly padding: SpatialPadding;
  readonly dataFormat: DataFormat;
}

/** A dense (fully connected) layer whose epilogue (bias, 'linear' or 'relu') runs in its MatMul kernel. */
export interface DenseStage {
  readonly kind: 'dense';
  readonly activation: FusedActivation;
  /** activation(x W + bias) with this stage's weights. */
  runWith(x: Tensor, activation: FusedActivation): Tensor;
}

/** max(x, 0), elementwise. */
export interface ReluStage {
  readonly kind: 'relu';
}

/** Max, min or average pooling, as the pool op defines it. */
export interface PoolStage {
  readonly kind: 'pool';
  readonly pool: PoolSpec;
  readonly dataFormat: DataFormat;
}

/** Anything the patterns do not look into. */
export interface OpaqueStage {
  readonly kind: 'opaque';
}

export type Stage = ConvStage | DenseStage | ReluStage | PoolStage | ZeroPadStage | OpaqueStage;

export const OPAQUE: OpaqueStage = { kind: 'opaque' };
