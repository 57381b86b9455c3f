/**
 * Reference BatchNormTraining and BatchNormTrainingGrad over the last axis of x [..., C]: the
 * statistics and the gradient sums in float64 (two passes, so the variance never comes from a
 * difference of large sums), each output rounded to float32 once. One kernel each where the
 * composed layer ran about nine forward and twenty backward (mean, subtract, square, mean, add,
 * sqrt, divide, scale, shift and their gradients with broadcast reductions).
 * Example: x = [[1], [3]] (C = 1), epsilon 0: mean [2], variance [1], y [[-1], [1]].
 */
import type { FusedActivation, KernelFn, TensorInfo } from '../kernels.js';
import { shapeToString, sizeOf } from '../../tensor/shape.js';
import { checkedResidual } from './Conv2D.js';
import { f32Of, output } from './storage.js';

/** Checks what every backend's batch norm needs; returns [rows, channels]. */
export function checkBatchNorm(kernel: string, x: TensorInfo, epsilon: number, perChannel: Record<string, TensorInfo | undefined>): [number, number] {
  if (x.dtype !== 'float32') throw new Error(`${kernel}: x must be float32, got ${x.dtype} (shape ${shapeToString(x.shape)})`);
  if (x.shape.length < 2) throw new Error(`${kernel}: x must have rank >= 2 (rows and channels), got shape ${shapeToString(x.shape)}`);
  if (!(epsilon > 0)) throw new Error(`${kernel}: epsilon must be positive, got ${epsilon}`);
  const C = x.shape[x.shape.length - 1]!;
  for (const [name, t] of Object.entries(perChannel)) {
    if (t !== undefined && (t.shape.length !== 1 || t.shape[0] !== C)) {
      throw new Error(`${kernel}: expected ${name} of shape [${C}] for x ${shapeToString(x.shape)}, got ${shapeToString(t.shape)}`);
    }
  }
  return [C === 0 ? 0 : sizeOf(x.shape) / C, C];
}

/** Per-channel float64 sums of f(value, row offset, channel) over the rows. */
function channelSums(rows: number, C: number, f: (i: number, c: number) => number): Float64Array {
  const s = new Float64Array(C);
  for (let r = 0, i = 0; r < rows; r++) for (let c = 0; c < C; c++, i++) s[c] += f(i, c);
  return s;
}

export const batchNormTraining: KernelFn<'BatchNormTraining'> = ({ x, gamma, beta, residual }, { epsilon, activation = 'linear' }) => {
  const [rows, C] = checkBatchNorm('BatchNormTraining', x, epsilon, { gamma, beta });
  const xs = f32Of(x);
  const res = residual === undefined ? null : f32Of(checkedResidual(residual, x.shape, 'BatchNormTraining'));
  const g = gamma === undefined ? null : f32Of(gamma), b = beta === undefined ? null : f32Of(beta);
  const mean = channelSums(rows, C, (i) => xs[i]!).map((s) => s / rows);
  const variance = channelSums(rows, C, (i, c) => (xs[i]! - mean[c]!) ** 2).map((s) => s / rows);
  const scale = variance.map((v, c) => (g === null ? 1 : g[c]!) / Math.sqrt(v + epsilon));
  const y = new Float32Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const c = i % C;
    y[i] = (xs[i]! - mean[c]!) * scale[c]! + (b === null ? 0 : b[c]!);
    if (res !== null) y[i] += res[i]!; // the normalized value rounded to float32 first, as the unfused Add reads it
    if (activation !== 'linear' && !(y[i]! > 0)) y[i] = 0; // as the relu op: x > 0 ? x : 0
    if (activation === 'relu6' && y[i]! > 6) y[i] = 6;
  }
  return [output([...x.shape], 'float32', y), output([C], 'float32', Float32Array.from(mean)), output([C], 'float32', Float32Array.from(variance))];
};

/** dy where y > 0 (relu6: 0 < y < 6) and 0 elsewhere (the gradient through a fused activation), or dy itself without y. */
function reluMasked(dy: Float32Array, y: Float32Array | null, activation: FusedActivation): Float32Array {
  if (y === null) return dy;
  return activation === 'relu6' ? dy.map((d, i) => (y[i]! > 0 && y[i]! < 6 ? d : 0)) : dy.map((d, i) => (y[i]! > 0 ? d : 0));
}

export const batchNormTrainingGrad: KernelFn<'BatchNormTrainingGrad'> = ({ dy, x, mean, variance, gamma, y }, { epsilon, activation = 'relu', residual = false }) => {
  const [rows, C] = checkBatchNorm('BatchNormTrainingGrad', x, epsilon, { mean, variance, gamma });
  if (sizeOf(dy.shape) !== sizeOf(x.shape) || dy.shape.length !== x.shape.length) {
    throw new Error(`BatchNormTrainingGrad: expected dy of x's shape ${shapeToString(x.shape)}, got ${shapeToString(dy.shape)}`);
  }
  if (y !== undefined && (sizeOf(y.shape) !== sizeOf(x.shape) || y.shape.length !== x.shape.length)) {
    throw new Error(`BatchNormTrainingGrad: expected y of x's shape ${shapeToString(x.shape)}, got ${shapeToString(y.shape)}`);
  }
  const [xs, m, v] = [f32Of(x), f32Of(mean), f32Of(variance)];
  const g = reluMasked(f32Of(dy), y === undefined ? null : f32Of(y), activation);
  const gm = gamma === undefined ? null : f32Of(gamma);
  const inv = Float64Array.from(v, (vc) => 1 / Math.sqrt(vc + epsilon));
  const dbeta = channelSums(rows, C, (i) => g[i]!);
  const dgamma = channelSums(rows, C, (i, c) => g[i]! * (xs[i]! - m[c]!) * inv[c]!);
  const dx = new Float32Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const c = i % C;
    const xhat = (xs[i]! - m[c]!) * inv[c]!;
    dx[i] = (gm === null ? 1 : gm[c]!) * inv[c]! * (g[i]! - dbeta[c]! / rows - xhat * dgamma[c]! / rows);
  }
  const grads = [output([...x.shape], 'float32', dx), output([C], 'float32', Float32Array.from(dgamma)), output([C], 'float32', Float32Array.from(dbeta))];
  return residual ? [...grads, output([...x.shape], 'float32', Float32Array.from(g))] : grads;
};
