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
  /** pool(activation(conv(x) + bias)) as the fused op (ops/conv2d-pool.ts), with this stage's weights. */
  runWithPool(x: Tensor, activation: FusedActivation, pool: PoolSpec): Tensor;
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

export type Stage = ConvStage | ReluStage | PoolStage | OpaqueStage;

export const OPAQUE: OpaqueStage = { kind: 'opaque' };
