/**
 * The wasm Binary kernel's per-block broadcast: an operand [A..., 1..., M...] against an output
 * [A..., R..., M...] (global pooling's gradient, [N, 1, 1, C] against [N, H, W, C]) runs binaryF32
 * once per block instead of the general TS loop. Against the reference on both operand orders and
 * non-commutative ops, bit-identical on 1 and 2 threads; shapes that are no such block still match.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engine } from '../src/backend/engine.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import { checkKernelAgainstRef, runKernelOn } from './kernel-dispatch-test-util.js';

registerWasmBackend({ name: 'wasm-bin-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-bin-2t', threads: 2, priority: 0 });
const BACKENDS = ['wasm-bin-1t', 'wasm-bin-2t'] as const;

describe('wasm Binary per-block broadcast', () => {
  const rng = new Random(51);
  const randn = (shape: number[]) => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal() + 3), shape);

  it('[A, 1.., M] against [A, R.., M], either operand first, matches the reference on 1 and 2 threads', () => {
    const cases: [number[], number[], string][] = [
      [[4, 3, 5, 6], [4, 1, 1, 6], 'sub'],
      [[4, 1, 1, 6], [4, 3, 5, 6], 'div'],
      [[2, 4, 3], [2, 1, 3], 'add'],
      [[3, 1, 2, 5], [1, 3, 4, 2, 5], 'mul'],
      // Large enough to split between threads: mobilenet-mini's global pooling.
      [[64, 4, 4, 256], [64, 1, 1, 256], 'add'],
      [[64, 1, 1, 256], [64, 4, 4, 256], 'sub'],
    ];
    for (const [sa, sb, op] of cases) {
      checkKernelAgainstRef(`${sa.join('x')} ${op} ${sb.join('x')}`, BACKENDS, 'Binary', { a: randn(sa), b: randn(sb) }, { op }, 'binaryF32');
    }
    engine.setBackend('ref');
  });

  it('broadcasts that are no such block keep the general loop and its values', () => {
    for (const [sa, sb] of [[[2, 1, 3, 1], [2, 4, 3, 5]], [[5, 1, 7], [3, 5, 4, 7]]] as const) {
      const inputs = { a: randn([...sa]), b: randn([...sb]) };
      const ref = runKernelOn('ref', 'Binary', inputs, { op: 'sub' }).values;
      const got = runKernelOn('wasm-bin-2t', 'Binary', inputs, { op: 'sub' });
      assert.ok(!got.calls.includes('binaryF32'), `${sa} vs ${sb}: ${got.calls.join(', ')}`);
      assert.deepEqual(got.values, ref);
    }
    engine.setBackend('ref');
  });
});
