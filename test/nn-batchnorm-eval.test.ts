/**
 * nn.BatchNorm2d in eval mode on an activation stored NHWC (a Conv2d's output) normalizes with the
 * channel as the fast axis (x * s + t, no reordering): the same values and gradients as the
 * general NCHW path, which a plainly stored input still takes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradients } from '../src/autograd/backward.js';
import { engine } from '../src/backend/engine.js';
import { kernelCalls } from '../src/backend/kernel-calls.js';
import * as nn from '../src/nn/index.js';
import * as ops from '../src/ops/index.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { assertClose } from './fusion-test-util.js';

registerWasmBackend({ name: 'wasm-bn-eval-2t', threads: 2, priority: 0 });

const randn = (shape: number[], rng: Random, scale = 1, offset = 0) =>
  ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => offset + scale * rng.normal()), shape);

describe('nn.BatchNorm2d eval on NHWC-stored activations', () => {
  for (const backend of ['ref', 'wasm-bn-eval-2t']) {
    it(`equals the general path in values and gradients, without a Transpose (${backend})`, () => {
      engine.setBackend(backend);
      const rng = new Random(21);
      const bn = new nn.BatchNorm2d(6);
      bn.runningMean!.assign(randn([6], rng, 0.5));
      bn.runningVar!.assign(ops.abs(randn([6], rng, 0.5, 1)));
      bn.weight!.assign(randn([6], rng, 0.5, 1));
      bn.bias!.assign(randn([6], rng, 0.5));
      bn.eval();
      const conv = new nn.Conv2d(3, 6, 3, { padding: 1, rng });
      const h = conv.forward(randn([2, 3, 7, 5], rng));
      assert.notEqual(h.storedOrder, null, 'a conv output is stored NHWC');
      const plain = ops.tensor(h.dataSync(), [...h.shape]);
      plain.requiresGrad = true;
      h.requiresGrad = true;
      const counts = kernelCalls(() => bn.forward(h));
      assert.equal(counts.get('Transpose'), undefined, JSON.stringify([...counts]));
      const r = randn([2, 6, 7, 5], rng);
      const loss = (x: Tensor) => ops.sum(ops.mul(bn.forward(x), r));
      assertClose(bn.forward(h), bn.forward(plain), 1e-5, 'values');
      const [gh, gw, gb] = gradients(loss(h), [h, bn.weight!, bn.bias!]) as Tensor[];
      const [gp, pw, pb] = gradients(loss(plain), [plain, bn.weight!, bn.bias!]) as Tensor[];
      assertClose(gh!, gp!, 1e-5, 'input gradient');
      assertClose(gw!, pw!, 1e-5, 'weight gradient');
      assertClose(gb!, pb!, 1e-5, 'bias gradient');
      engine.setBackend('ref');
    });
  }
});
