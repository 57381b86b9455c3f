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

/** Batch normalization, whose training kernel can also apply a relu that follows it. */
export interface BatchNormStage {
  readonly kind: 'batchNorm';
  /**
   * relu(this step(x)) as one op where the step runs its training kernel (BatchNormTraining with
   * relu, gradient masked inside the backward kernel); the plain step and a relu otherwise.
   * `training` is the model call's (an nn module reads its own mode instead).
   */
  runWithRelu(x: Tensor, training: boolean): Tensor;
}

/** Anything the patterns do not look into. */
export interface OpaqueStage {
  readonly kind: 'opaque';
}

export type Stage = ConvStage | DenseStage | ReluStage | PoolStage | BatchNormStage | OpaqueStage;

export const OPAQUE: OpaqueStage = { kind: 'opaque' };
