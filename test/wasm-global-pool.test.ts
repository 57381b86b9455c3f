/**
 * Global average pooling's two kernels on the wasm backend: Reduce's sum over a run of middle axes
 * (sumRowsF64, one block per outer index; its conformance is in wasm-reduce-middle.test.ts, its thin
 * blocks here) and Binary against an operand broadcast over middle axes
 * ([outer, 1, inner] against [outer, mid, inner]: binaryF32 once per outer block), against the
 * reference on odd shapes, bit-identical on 1 and 2 threads; and the layer's gradient on them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradients } from '../src/autograd/backward.js';
import { GlobalAveragePooling2D } from '../src/layers/global-pooling2d.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { checkKernelAgainstRef, runKernelOn, withDispatches } from './kernel-dispatch-test-util.js';

registerWasmBackend({ name: 'wasm-gap-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-gap-2t', threads: 2, priority: 0 });
const BACKENDS = ['wasm-gap-1t', 'wasm-gap-2t'] as const;

describe('wasm global pooling kernels', () => {
  const rng = new Random(17);
  const randn = (shape: number[]): Tensor => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal() * 3 + 1), shape);

  it('thin blocks (fewer than 8 columns: a sum over the last axis, a few channels) keep the interim loop, with the same values', () => {
    for (const [shape, axes] of [[[2, 9, 9, 1], [1, 2]], [[5, 4, 3], [2]], [[2, 3, 5], [1]], [[3, 7, 7, 6], [1, 2]]] as [number[], number[]][]) {
      const x = randn(shape);
      const ref = runKernelOn('ref', 'Reduce', { x }, { op: 'sum', axes, keepDims: false }).values;
      const one = runKernelOn(BACKENDS[0], 'Reduce', { x }, { op: 'sum', axes, keepDims: false });
      assert.ok(!one.calls.includes('sumRowsF64'), `${shape} over ${axes}: ${one.calls.join(', ')}`);
      one.values.forEach((v, i) => assert.ok(Math.abs(v - ref[i]!) <= 1e-5 * Math.max(1, Math.abs(ref[i]!)), `${shape}[${i}]: ${v} vs ${ref[i]}`));
    }
  });

  it('Binary broadcasts over middle axes like the reference, either operand', () => {
    const cases: [number[], number[]][] = [[[64, 1, 1, 128], [64, 8, 8, 128]], [[3, 1, 1, 6], [3, 5, 7, 6]], [[2, 1, 5], [2, 3, 5]], [[4, 1, 1, 1], [4, 3, 2, 5]]];
    for (const [small, big] of cases) {
      for (const op of ['add', 'sub', 'div'] as const) {
        checkKernelAgainstRef(`${small} ${op} ${big}`, BACKENDS, 'Binary', { a: randn(small), b: randn(big) }, { op }, 'binaryF32');
        checkKernelAgainstRef(`${big} ${op} ${small}`, BACKENDS, 'Binary', { a: randn(big), b: randn(small) }, { op }, 'binaryF32');
      }
    }
  });

  it('GlobalAveragePooling2D runs in wasm both ways and its gradient is the reference one', () => {
    const x = randn([4, 6, 5, 8]);
    const r = randn([4, 8]);
    x.requiresGrad = true;
    const layer = new GlobalAveragePooling2D();
    const run = () => gradients(ops.sum(ops.mul(layer.call(x), r)), [x])[0]!.dataSync().slice();
    const ref = withDispatches('ref', run).result;
    const { result: one, calls } = withDispatches('wasm-gap-1t', run);
    assert.ok(calls.includes('sumRowsF64') && calls.includes('binaryF32'), `dispatched ${calls.join(', ')}`);
    one.forEach((v, i) => assert.ok(Math.abs(v - ref[i]!) <= 1e-6, `dx[${i}]: ${v} vs ${ref[i]}`));
    assert.deepEqual(withDispatches('wasm-gap-2t', run).result, one);
  });
});
