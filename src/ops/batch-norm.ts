/**
 * Batch normalization in training mode over the last axis (channels-last), as one kernel each way:
 *
 *   mean = mean of x over every axis but the last;  variance = mean of (x - mean)^2 (biased)
 *   y = (x - mean) / sqrt(variance + epsilon) * gamma + beta
 *
 * With activation 'relu', y = max(y, 0) in the same kernel, and the gradient masks dy by y > 0
 * inside the backward kernel ('relu6': min(max(y, 0), 6), dy masked by 0 < y < 6): the fused op
 * the planner picks for BatchNormalization -> ReLU (or ReLU6) in training.
 *
 * With a `residual` (x's shape), y = activation(normalized + residual): a residual block's
 * BN -> Add -> ReLU as one op, the residual's gradient dy after the activation's (written by the
 * gradient kernel's apply pass).
 *
 * With a `shift` [C] (a conv's bias before the norm: plan pattern convBnTrain), the op normalizes
 * x + shift, which is y itself (the norm subtracts each channel's batch mean): the shift's exact
 * gradient is zero, and the returned mean stays x's (x + shift's is mean + shift; the moving
 * update takes the shift as its meanShift).
 *
 * Example: batchNormTraining(tensor([[1], [3]]), null, null, 1e-3) gives y ≈ [[-0.9995], [0.9995]],
 * mean [2], variance [1]. Gradients flow to x, gamma and beta through y; mean and variance are
 * statistics for the moving averages and carry none.
 */
import { record } from '../autograd/record.js';
import { engine } from '../backend/engine.js';
import type { FusedActivation } from '../backend/kernels.js';
import { shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { add } from './binary.js';
import { zerosLike } from './create.js';
import { activate } from './conv2d.js';

export interface BatchNormTrainingResult { y: Tensor; mean: Tensor; variance: Tensor }

export function batchNormTraining(
  x: Tensor, gamma: Tensor | null, beta: Tensor | null, epsilon: number, activation: FusedActivation = 'linear', residual: Tensor | null = null,
  shift: Tensor | null = null,
): BatchNormTrainingResult {
  if (residual !== null && !shapesEqual(residual.shape, x.shape)) {
    // A residual that broadcasts (Keras Add allows size-1 axes): the composition.
    const r = batchNormTraining(x, gamma, beta, epsilon, 'linear', null, shift);
    return { ...r, y: activate(add(r.y, residual), activation) };
  }
  const kernelInputs = { x, gamma: gamma ?? undefined, beta: beta ?? undefined, residual: residual ?? undefined };
  const [y, mean, variance] = engine.runKernelOutputs('BatchNormTraining', kernelInputs, { epsilon, activation });
  const inputs = [x, ...(gamma === null ? [] : [gamma]), ...(beta === null ? [] : [beta]), ...(residual === null ? [] : [residual]), ...(shift === null ? [] : [shift])];
  const fused = activation !== 'linear';
  record(residual !== null ? 'batchNormResidualTraining' : fused ? 'batchNormReluTraining' : 'batchNormTraining', y!, inputs, (dy) => {
    const grads = { dy, x, mean: mean!, variance: variance!, gamma: gamma ?? undefined, y: fused ? y! : undefined };
    const withResidual = residual !== null && residual.needsGrad;
    const [dx, dgamma, dbeta, dres] = engine.runKernelOutputs('BatchNormTrainingGrad', grads, { epsilon, activation, residual: withResidual });
    return [
      dx!, ...(gamma === null ? [] : [dgamma!]), ...(beta === null ? [] : [dbeta!]), ...(residual === null ? [] : [withResidual ? dres! : null]),
      ...(shift === null ? [] : [shift.needsGrad ? zerosLike(shift) : null]),
    ];
  });
  return { y: y!, mean: mean!, variance: variance! };
}

/** How the moving statistics follow the batch's: new = moving * keep + statistic * blend. */
export interface MovingUpdateRule { keep: number; blend: number; varianceScale: number }

/**
 * The moving mean and variance after a training step, in one kernel (no gradient: statistics).
 * `meanShift` [C]: the statistics are those of x + meanShift (a conv bias the batch norm removes
 * anyway: plan pattern convBnTrain), so the moving mean follows mean + meanShift.
 * Keras: { keep: momentum, blend: 1 - momentum, varianceScale: 1 }; PyTorch: { keep: 1 - momentum,
 * blend: momentum, varianceScale: M / (M - 1) } (running_var tracks the unbiased variance).
 */
export function batchNormMovingUpdate(movingMean: Tensor, movingVariance: Tensor, mean: Tensor, variance: Tensor, rule: MovingUpdateRule, meanShift: Tensor | null = null): [Tensor, Tensor] {
  const [m, v] = engine.runKernelOutputs('BatchNormMovingUpdate', { movingMean, movingVariance, mean, variance, meanShift: meanShift ?? undefined }, rule);
  return [m!, v!];
}
