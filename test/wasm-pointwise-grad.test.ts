/**
 * The input gradient of a pointwise conv (1x1, stride 1, unpadded; mobilenet-mini's second half of
 * each block) is one GEMM into dx on the wasm backend, with no col2im copy: against the reference,
 * bit-identical on 1 and 2 threads.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engine } from '../src/backend/engine.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { withDispatches } from './kernel-dispatch-test-util.js';

registerWasmBackend({ name: 'wasm-pw-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-pw-2t', threads: 2, priority: 0 });

function dx(backend: string, dy: Tensor, filter: Tensor, inputShape: [number, number, number, number]): { values: Float32Array; calls: string[] } {
  const attrs = { strides: [1, 1] as [number, number], pad: [0, 0, 0, 0] as [number, number, number, number], dilations: [1, 1] as [number, number], groups: 1, inputShape };
  const { result, calls } = withDispatches(backend, () => Float32Array.from(engine.runKernel('Conv2DBackpropInput', { dy, filter }, attrs).dataSync() as Float32Array));
  return { values: result, calls };
}

describe('wasm pointwise conv input gradient', () => {
  const rng = new Random(51);
  const randn = (shape: number[]) => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape);

  it('is one GEMM into dx (no col2im), matching the reference on 1 and 2 threads', () => {
    for (const [N, H, W, C, K] of [[16, 8, 8, 64, 128], [3, 5, 7, 6, 10], [2, 4, 4, 128, 256]] as const) {
      const dy = randn([N, H, W, K]), filter = randn([1, 1, C, K]);
      const ref = dx('ref', dy, filter, [N, H, W, C]).values;
      const one = dx('wasm-pw-1t', dy, filter, [N, H, W, C]), two = dx('wasm-pw-2t', dy, filter, [N, H, W, C]);
      assert.ok(!one.calls.includes('col2im'), `${N}x${H}x${W}x${C} <- ${K}: dispatched ${one.calls.join(', ')}`);
      assert.deepEqual(two.values, one.values, '2 threads differ from 1 thread');
      let scale = 1;
      for (const v of ref) scale = Math.max(scale, Math.abs(v));
      ref.forEach((v, i) => assert.ok(Math.abs(one.values[i]! - v) <= 1e-5 * scale, `dx[${i}] ${one.values[i]} vs ref ${v}`));
    }
  });
});
