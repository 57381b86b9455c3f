/**
 * Reference BatchNormMovingUpdate: one kernel for the moving mean and variance of a batch norm
 * layer after a training step, where the composed update ran six Binary kernels (two products and
 * a sum per statistic, plus PyTorch's unbiased-variance scale). Float32 rounding after every
 * product and sum, as the composed chain rounds (float64 arithmetic rounded once is float32
 * arithmetic for one product or sum of float32 values).
 * Example: movingMean [0], mean [2], keep 0.9, blend 0.1: the new moving mean is [0.2] (float32).
 */
import type { KernelFn, TensorInfo } from '../kernels.js';
import { shapeToString } from '../../tensor/shape.js';
import { f32Of, output } from './storage.js';

/** Checks the four [C] float32 statistics (and the mean's shift when given); returns C. */
export function checkMovingUpdate(inputs: Record<'movingMean' | 'movingVariance' | 'mean' | 'variance', TensorInfo> & { meanShift?: TensorInfo }): number {
  const C = inputs.movingMean.shape[0] ?? 0;
  for (const [name, t] of Object.entries(inputs)) {
    if (t === undefined) continue;
    if (t.dtype !== 'float32' || t.shape.length !== 1 || t.shape[0] !== C) {
      throw new Error(`BatchNormMovingUpdate: expected ${name} float32 [${C}] (movingMean's shape), got ${t.dtype} ${shapeToString(t.shape)}`);
    }
  }
  return C;
}

/** out[c] = moving[c] * keep + (stat[c] * scale) * blend, rounded to float32 after each step. */
export function blendStatistic(moving: ArrayLike<number>, stat: ArrayLike<number>, keep: number, blend: number, scale: number, out: Float32Array): void {
  const [k, b, s] = [Math.fround(keep), Math.fround(blend), Math.fround(scale)];
  for (let c = 0; c < out.length; c++) {
    out[c] = Math.fround(Math.fround(moving[c]! * k) + Math.fround(Math.fround(stat[c]! * s) * b));
  }
}

/** The batch mean the moving mean follows: mean + shift rounded to float32 (the composed Add's values), or mean itself. */
export function shiftedMean(mean: ArrayLike<number>, shift: ArrayLike<number> | null): ArrayLike<number> {
  return shift === null ? mean : Float32Array.from(mean, (m, c) => m + shift[c]!);
}

export const batchNormMovingUpdate: KernelFn<'BatchNormMovingUpdate'> = (inputs, { keep, blend, varianceScale }) => {
  const C = checkMovingUpdate(inputs);
  const [m, v] = [new Float32Array(C), new Float32Array(C)];
  blendStatistic(f32Of(inputs.movingMean), shiftedMean(f32Of(inputs.mean), inputs.meanShift === undefined ? null : f32Of(inputs.meanShift)), keep, blend, 1, m);
  blendStatistic(f32Of(inputs.movingVariance), f32Of(inputs.variance), keep, blend, varianceScale, v);
  return [output([C], 'float32', m), output([C], 'float32', v)];
};
