/**
 * A hand-written nn forward at inference (eval mode, no graph) runs the kernels nn.Sequential and
 * Keras models run:
 * - `relu(bn(conv(x)))` is one conv kernel: the norm folds into the conv's weights and the relu
 *   into its epilogue (the norm joins the conv's deferred chain);
 * - the folded weights are kept in the conv weight's stored order, so no call reorders them;
 * - `relu(add(bn(conv(h)), shortcut))` is that conv kernel too: the add joins the conv's chain with the
 *   shortcut as its side operand, added in the conv's output pass before the relu (convAddRelu);
 * - an `add` of two conv outputs (NCHW shown, NHWC stored) outside any chain adds the stored values
 *   and keeps the order: no Transpose.
 * Values equal the unfused ops' (withoutFusion) within float32 rounding. In training mode, or with a
 * graph, the norm runs as before.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backward } from '../src/autograd/backward.js';
import { noGrad } from '../src/autograd/grad-mode.js';
import { engine } from '../src/backend/engine.js';
import { kernelCalls } from '../src/backend/kernel-calls.js';
import * as nn from '../src/nn/index.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { withoutFusion } from '../src/plan/planner.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { assertClose, ResidualBlock } from './fusion-test-util.js';

registerWasmBackend({ name: 'wasm-eval-fusion-2t', threads: 2, priority: 0 });

const F = nn.F;
const randn = (shape: number[], rng: Random, scale = 1, offset = 0) =>
  ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => offset + scale * rng.normal()), shape);

function trainedNorm(c: number, rng: Random): nn.BatchNorm2d {
  const bn = new nn.BatchNorm2d(c);
  bn.runningMean!.assign(randn([c], rng, 0.5));
  bn.runningVar!.assign(ops.abs(randn([c], rng, 0.5, 1)));
  bn.weight!.assign(randn([c], rng, 0.5, 1));
  bn.bias!.assign(randn([c], rng, 0.5));
  return bn;
}


const counted = (fn: () => Tensor): { y: Tensor; calls: Record<string, number> } => {
  let y: Tensor | null = null;
  const calls = Object.fromEntries(kernelCalls(() => (y = fn()).compute()));
  return { y: y!, calls };
};

describe('nn forward at inference: conv -> BatchNorm2d -> relu as one kernel, no reordering', () => {
  for (const backend of ['ref', 'wasm-eval-fusion-2t']) {
    it(`a hand-written residual block runs as its 2 convs alone, equal to the unfused ops (${backend})`, () => {
      engine.setBackend(backend);
      const rng = new Random(31);
      const block = new ResidualBlock(4, rng, (c) => trainedNorm(c, rng));
      const stem = new nn.Conv2d(2, 4, 3, { padding: 1, rng });
      const x = randn([3, 2, 6, 5], rng);
      block.eval();
      const forward = () => noGrad(() => block.forward(stem.forward(x)));
      const expected = withoutFusion(forward);
      forward().compute();
      const { y, calls } = counted(forward);
      // The one Transpose is the input image's layout change (NCHW values into the stem's NHWC); the
      // join's add and relu run in the second conv's output pass.
      assert.deepEqual(calls, { Transpose: 1, Conv2D: 3 });
      assertClose(y, expected, 1e-5, 'values');
      engine.setBackend('ref');
    });
  }

  it('odd joins (a map added to its own relu, to an intermediate read later, two chains) equal the unfused ops', () => {
    engine.setBackend('wasm-eval-fusion-2t');
    const rng = new Random(34);
    const conv = new nn.Conv2d(2, 3, 3, { padding: 1, rng });
    const other = new nn.Conv2d(2, 3, 3, { padding: 1, rng });
    const bn = trainedNorm(3, rng);
    bn.eval();
    const x = randn([2, 2, 5, 5], rng);
    const cases: Record<string, () => Tensor> = {
      'y + relu(y)': () => {
        const y = conv.forward(x);
        return ops.add(F.relu(y), y);
      },
      'bn(conv) + 2 bn(conv), relu': () => {
        const y = bn.forward(conv.forward(x));
        return F.relu(ops.add(y, ops.mul(y, 2)));
      },
      'two chains joined': () => F.relu(ops.add(conv.forward(x), bn.forward(other.forward(x)))),
      'join, then its input read': () => {
        const y = conv.forward(x);
        const z = F.relu(ops.add(y, other.forward(x)));
        z.compute();
        return ops.add(z, y);
      },
    };
    for (const [name, forward] of Object.entries(cases)) {
      assertClose(noGrad(forward), noGrad(() => withoutFusion(forward)), 1e-5, name);
    }
    engine.setBackend('ref');
  });

  it('in training mode, or with a graph, the norm is not folded', () => {
    engine.setBackend('wasm-eval-fusion-2t');
    const rng = new Random(32);
    const conv = new nn.Conv2d(2, 4, 3, { rng });
    const bn = trainedNorm(4, rng);
    const x = randn([2, 2, 6, 6], rng);
    const training = counted(() => noGrad(() => F.relu(bn.forward(conv.forward(x)))));
    assert.ok((training.calls.BatchNormTraining ?? 0) === 1, JSON.stringify(training.calls));
    bn.eval();
    const y = F.relu(bn.forward(conv.forward(x)));
    const r = randn([2, 4, 4, 4], rng);
    backward(ops.sum(ops.mul(y, r)));
    assert.ok(conv.weight.grad !== null && bn.weight!.grad !== null, 'gradients reach the conv and the norm');
    // Not folded: the very ops withoutFusion runs, so the same bits (a folded conv rounds otherwise).
    const unfolded = withoutFusion(() => F.relu(bn.forward(conv.forward(x))));
    assert.deepEqual(Array.from(y.dataSync()), Array.from(unfolded.dataSync()), 'values with a graph');
    engine.setBackend('ref');
  });

  it('adds two NHWC-stored maps without a Transpose; the sum keeps their order', () => {
    engine.setBackend('wasm-eval-fusion-2t');
    const rng = new Random(33);
    const a = new nn.Conv2d(3, 5, 3, { rng }).forward(randn([2, 3, 7, 6], rng));
    const b = new nn.Conv2d(3, 5, 3, { rng }).forward(randn([2, 3, 7, 6], rng));
    a.compute();
    b.compute();
    assert.notEqual(a.storedOrder, null, 'a conv output is stored NHWC');
    const { y, calls } = counted(() => ops.add(a, b));
    assert.deepEqual(calls, { Binary: 1 });
    assert.notEqual(y.storedOrder, null, 'the sum is stored NHWC too');
    // Reading a and b puts their values in logical order (after the add was counted).
    const plainSum = ops.add(ops.tensor(a.dataSync(), [...a.shape]), ops.tensor(b.dataSync(), [...b.shape]));
    assert.deepEqual(Array.from(y.dataSync()), Array.from(plainSum.dataSync()));
    engine.setBackend('ref');
  });
});
