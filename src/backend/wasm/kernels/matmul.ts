/** MatMul: y = act(op(a) op(b) + bias), rank 2 or a batch of rank-3 products, on sgemmU. */
import type { KernelFn, TensorInfo } from '../../kernels.js';
import { shapeToString } from '../../../tensor/shape.js';
import type { WasmContext } from '../context.js';
import { epilogueFlags, gemm } from './gemm.js';
import { F_BIAS } from '../generated/codes.js';
import { Temps } from './inputs.js';

interface MatMulDims { batch: number; m: number; n: number; k: number }

function matMulDims(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): MatMulDims {
  // Built only for an error: formatting shapes on every call was JavaScript each batch paid.
  const desc = (): string => `a ${shapeToString(a.shape)} (transposeA=${transposeA}) and b ${shapeToString(b.shape)} (transposeB=${transposeB})`;
  const rank = a.shape.length;
  if ((rank !== 2 && rank !== 3) || b.shape.length !== rank) {
    throw new Error(`MatMul: expected two rank-2 or two rank-3 tensors, got ${desc()}`);
  }
  const batch = rank === 3 ? a.shape[0]! : 1;
  if (rank === 3 && b.shape[0] !== batch) throw new Error(`MatMul: batch sizes differ: ${desc()}`);
  const [a0, a1] = a.shape.slice(rank - 2) as [number, number];
  const [b0, b1] = b.shape.slice(rank - 2) as [number, number];
  const [m, ka] = transposeA ? [a1, a0] : [a0, a1];
  const [kb, n] = transposeB ? [b1, b0] : [b0, b1];
  if (ka !== kb) throw new Error(`MatMul: inner dimensions ${ka} and ${kb} do not match: ${desc()}`);
  return { batch, m, n, k: ka };
}

export function makeMatMul(ctx: WasmContext): KernelFn<'MatMul'> {
  return ({ a, b, bias }, { transposeA, transposeB, activation }) => {
    const { batch, m, n, k } = matMulDims(a, b, transposeA, transposeB);
    if (bias !== undefined && (bias.shape.length !== 1 || bias.shape[0] !== n)) {
      throw new Error(`MatMul: expected bias of shape [${n}] for a ${shapeToString(a.shape)} and b ${shapeToString(b.shape)}, got ${shapeToString(bias.shape)}`);
    }
    const out = ctx.heap.output(a.shape.length === 3 ? [batch, m, n] : [m, n]);
    const flags = (bias !== undefined ? F_BIAS : 0) | epilogueFlags(activation);
    const temps = new Temps(ctx);
    const [pa, pb, pc] = [temps.f32(a), temps.f32(b), out.handle.ptr];
    const pbias = bias === undefined ? 0 : temps.f32(bias);
    for (let i = 0; i < batch; i++) {
      gemm(ctx, {
        M: m, N: n, K: k,
        a: pa + 4 * i * m * k, lda: transposeA ? m : k, ta: transposeA,
        b: pb + 4 * i * k * n, ldb: transposeB ? k : n, tb: transposeB,
        c: pc + 4 * i * m * n, ldc: n, flags, bias: pbias,
      });
    }
    temps.release();
    return out;
  };
}
