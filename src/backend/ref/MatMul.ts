/**
 * Reference MatMul: y = act(op(a) · op(b) + bias) for a [M, K] / b [K, N] (rank 2) or a batch of
 * them [B, M, K] / [B, K, N] (rank 3, equal B), shapes taken before the transposes. The blocked
 * GEMM reads transposed operands in place, so no transpose is ever materialized.
 * Example: [2, 3] x [3, 4] -> [2, 4]; with transposeB, b is stored [4, 3].
 */
import type { KernelFn, TensorInfo } from '../kernels.js';
import { shapeToString } from '../../tensor/shape.js';
import { biasActivation, gemm } from './gemm.js';
import { f32Of, output } from './storage.js';

interface MatMulDims { batch: number; m: number; n: number; k: number }

export const matMul: KernelFn<'MatMul'> = ({ a, b, bias }, attrs) => {
  const { transposeA, transposeB } = attrs;
  const { batch, m, n, k } = matMulDims(a, b, transposeA, transposeB);
  if (bias !== undefined && (bias.shape.length !== 1 || bias.shape[0] !== n)) {
    throw new Error(`MatMul: expected bias of shape [${n}] for a ${shapeToString(a.shape)} and b ${shapeToString(b.shape)}, got ${shapeToString(bias.shape)}`);
  }
  const ad = f32Of(a);
  const bd = f32Of(b);
  const y = new Float32Array(batch * m * n);
  for (let i = 0; i < batch; i++) {
    gemm({
      transA: transposeA, transB: transposeB, m, n, k, alpha: 1, beta: 0,
      a: { data: ad, offset: i * m * k, ld: transposeA ? m : k },
      b: { data: bd, offset: i * k * n, ld: transposeB ? k : n },
      c: { data: y, offset: i * m * n, ld: n },
    });
  }
  biasActivation(y, n, bias === undefined ? null : f32Of(bias), attrs.activation);
  return output(a.shape.length === 3 ? [batch, m, n] : [m, n], 'float32', y);
};

function matMulDims(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): MatMulDims {
  const desc = `a ${shapeToString(a.shape)} (transposeA=${transposeA}) and b ${shapeToString(b.shape)} (transposeB=${transposeB})`;
  const rank = a.shape.length;
  if ((rank !== 2 && rank !== 3) || b.shape.length !== rank) {
    throw new Error(`MatMul: expected two rank-2 or two rank-3 tensors, got ${desc}`);
  }
  const batch = rank === 3 ? a.shape[0] : 1;
  if (rank === 3 && b.shape[0] !== batch) throw new Error(`MatMul: batch sizes differ: ${desc}`);
  const [a0, a1] = a.shape.slice(rank - 2);
  const [b0, b1] = b.shape.slice(rank - 2);
  const [m, ka] = transposeA ? [a1, a0] : [a0, a1];
  const [kb, n] = transposeB ? [b1, b0] : [b0, b1];
  if (ka !== kb) throw new Error(`MatMul: inner dimensions ${ka} and ${kb} do not match: ${desc}`);
  return { batch, m, n, k: ka };
}
