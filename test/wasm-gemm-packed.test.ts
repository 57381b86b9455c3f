/**
 * The wasm backend's GEMM (kernels/gemm.ts): op(B) packed once by packBAll and shared by every
 * thread's row blocks (sgemmUPacked), on the 5-row micro-kernel. MatMul against the reference on
 * shapes with several k-blocks (K > 256), row counts that are not multiples of 5, column counts
 * that are not multiples of 8, both transposes, and every epilogue (bias, relu, relu6),
 * bit-identical on 1 and 2 threads; products wider than one packed B (N > 1024) still run sgemmU.
 */
import { describe, it } from 'node:test';
import type { FusedActivation } from '../src/backend/kernels.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import { checkKernelAgainstRef } from './kernel-dispatch-test-util.js';

registerWasmBackend({ name: 'wasm-gemm-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-gemm-2t', threads: 2, priority: 0 });
const BACKENDS = ['wasm-gemm-1t', 'wasm-gemm-2t'] as const;

describe('wasm GEMM with B packed once', () => {
  const rng = new Random(71);
  const randn = (shape: number[]) => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape);

  it('MatMul matches the reference: k-blocks, edge rows and columns, transposes, epilogues', () => {
    const shapes: [number, number, number][] = [[203, 37, 600], [64, 10, 256], [7, 8, 3], [1031, 64, 32], [96, 257, 129]];
    const epilogues: [boolean, FusedActivation][] = [[false, 'linear'], [true, 'linear'], [true, 'relu'], [true, 'relu6']];
    for (const [m, n, k] of shapes) {
      for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        for (const [withBias, activation] of epilogues) {
          const inputs = { a: randn(transposeA ? [k, m] : [m, k]), b: randn(transposeB ? [n, k] : [k, n]), bias: withBias ? randn([n]) : undefined };
          checkKernelAgainstRef(`${m}x${n}x${k} tA ${transposeA} tB ${transposeB} bias ${withBias} ${activation}`, BACKENDS, 'MatMul', inputs,
            { transposeA, transposeB, activation }, 'sgemmUPacked');
        }
      }
    }
  });

  it('a product wider than one packed B (N > 1024) runs sgemmU, packing per row block', () => {
    const inputs = { a: randn([45, 70]), b: randn([70, 1100]), bias: randn([1100]) };
    checkKernelAgainstRef('45x1100x70', BACKENDS, 'MatMul', inputs, { transposeA: false, transposeB: false, activation: 'relu6' }, 'sgemmU');
  });
});
