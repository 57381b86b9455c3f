/**
 * An nn conv takes its OIHW weight into the conv op itself (Conv2DOptions.filterAxes): the op
 * reads it relabelled HWIO and gives the weight its gradient in its own shape, so the step's graph
 * holds no transpose node per conv weight. Values and gradients are the recorded transpose's bit
 * for bit, for a Conv2d weight (stored HWIO) and for a plain OIHW tensor, through the plain, fused
 * (conv+relu+pool) and residual convs, and for a weight two convs share.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradients } from '../src/autograd/backward.js';
import { engine } from '../src/backend/engine.js';
import { BENCH_MODELS } from '../src/cli/bench-models.js';
import { toCategorical } from '../src/data/to-categorical.js';
import * as nn from '../src/nn/index.js';
import { conv2dPool as nnConv2dPool, conv2dResidual, HWIO_OF_OIHW } from '../src/nn/functional.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { gradcheck } from '../src/testing/gradcheck.js';

const { F } = nn;
registerWasmBackend({ name: 'wasm-weight-1', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-weight-2', threads: 2, priority: 0 });
const BACKENDS = ['ref', 'wasm-weight-1', 'wasm-weight-2'];

function randn(shape: number[], rng: Random, scale = 1): Tensor {
  return ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale), shape);
}

/** The conv of the old F.conv2d: the weight's recorded transpose to HWIO, then the op. */
const viaTranspose = (x: Tensor, w: Tensor, b: Tensor, extra: ops.Conv2DOptions = {}) =>
  ops.conv2d(x, ops.transpose(w, HWIO_OF_OIHW), { bias: b, dataFormat: 'channelsFirst', padding: [1, 1, 1, 1], ...extra });

/** Loss values and the gradients of `xs` as arrays, for a bit comparison. */
function run(f: (...xs: Tensor[]) => Tensor, xs: Tensor[]): number[][] {
  const y = f(...xs);
  const r = ops.tensor(Float32Array.from({ length: y.size }, (_, i) => ((i * 7919) % 13) / 13 - 0.5), y.shape);
  const grads = gradients(ops.sum(ops.mul(y, r)), xs);
  return [Array.from(y.dataSync()), ...grads.map((g) => Array.from(g!.dataSync()))];
}

/** x [2, 3, 6, 6], an OIHW weight [4, 3, 3, 3] (a Conv2d's, stored HWIO, or a plain tensor) and bias. */
function operands(seed: number, stored: boolean): Tensor[] {
  const rng = new Random(seed);
  const x = randn([2, 3, 6, 6], rng), b = randn([4], rng, 0.1);
  let w: Tensor = randn([4, 3, 3, 3], rng, 0.3);
  if (stored) {
    const conv = new nn.Conv2d(3, 4, 3, { padding: 1 });
    conv.weight.assign(w);
    w = conv.weight;
  }
  for (const t of [x, w, b]) t.requiresGrad = true;
  return [x, w, b];
}

/** Every op recorded in the graph below y, by name. */
function graphOps(y: Tensor): Map<string, number> {
  const counts = new Map<string, number>(), seen = new Set<Tensor>(), stack = [y];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t) || t.gradNode === null) continue;
    seen.add(t);
    counts.set(t.gradNode.op, (counts.get(t.gradNode.op) ?? 0) + 1);
    stack.push(...t.gradNode.inputs);
  }
  return counts;
}

describe('the conv op takes the OIHW weight: the transpose path, bit for bit', () => {
  for (const backend of BACKENDS) {
    for (const stored of [true, false]) {
      const what = `${backend}, ${stored ? 'a Conv2d weight (stored HWIO)' : 'a plain OIHW tensor'}`;
      it(`${what}: F.conv2d, conv+relu+maxpool, a residual conv, a weight used twice`, () => {
        engine.setBackend(backend);
        try {
          const ops4 = operands(11, stored);
          const eq = (name: string, now: (...xs: Tensor[]) => Tensor, before: (...xs: Tensor[]) => Tensor) =>
            assert.deepEqual(run(now, ops4), run(before, ops4), `${what}: ${name}`);
          eq('F.conv2d', (x, w, b) => F.conv2d(x, w, b, { padding: 1 }), (x, w, b) => viaTranspose(x, w, b));
          const pool = { mode: 'max' as const, poolSize: 2 };
          eq('conv+relu+pool', (x, w, b) => nnConv2dPool(x, w, b, { padding: 1 }, 'relu', pool),
            (x, w, b) => ops.conv2dPool(x, ops.transpose(w, HWIO_OF_OIHW), { bias: b, dataFormat: 'channelsFirst', padding: [1, 1, 1, 1], activation: 'relu' }, pool));
          const skip = randn([2, 4, 6, 6], new Random(12));
          eq('residual', (x, w, b) => conv2dResidual(x, w, b, { padding: 1 }, 'relu', skip), (x, w, b) => viaTranspose(x, w, b, { activation: 'relu', residual: skip }));
          // Two convs of one weight: its two gradients are added (in the stored order when both are).
          eq('shared weight', (x, w, b) => ops.add(F.conv2d(x, w, b, { padding: 1 }), F.relu(F.conv2d(ops.mul(x, 0.5), w, null, { padding: 1 }))),
            (x, w, b) => ops.add(viaTranspose(x, w, b), ops.relu(ops.conv2d(ops.mul(x, 0.5), ops.transpose(w, HWIO_OF_OIHW), { dataFormat: 'channelsFirst', padding: [1, 1, 1, 1] }))));
        } finally {
          engine.setBackend('ref');
        }
      });
    }
  }

  it('gradcheck of F.conv2d with a plain OIHW weight (all three inputs)', () => {
    const [x, w, b] = operands(13, false);
    gradcheck((xx, ww, bb) => F.conv2d(xx, ww, bb, { padding: 1, stride: 2 }), [x!, w!, b!], { name: 'F.conv2d plain OIHW' });
  });

  it('filterAxes must be a permutation of a 4-D filter\'s axes', () => {
    const [x, w] = operands(15, false);
    for (const axes of [[2, 3, 1], [2, 3, 1, 1], [2, 3, 1, 4]]) {
      assert.throws(() => ops.conv2d(x!, w!, { dataFormat: 'channelsFirst', filterAxes: axes }), /filterAxes must order a 4-D filter's axes 0..3 once each/);
    }
  });

  it('a weight that needs no gradient gets none; the input still does', () => {
    const [x, w, b] = operands(14, false);
    w!.requiresGrad = false;
    const [dx, dw] = gradients(ops.sum(F.conv2d(x!, w!, b!, { padding: 1 })), [x!, w!]);
    assert.ok(dx !== null);
    assert.equal(dw, null);
  });
});

describe('an nn training step records no transpose of a conv weight', () => {
  for (const name of ['lenet5', 'mnist-cnn'] as const) {
    it(`${name}: the conv ops' inputs are the weights themselves`, () => {
      const model = BENCH_MODELS[name];
      const net = model.nn(1);
      const rng = new Random(3);
      const x = ops.tensor(Float32Array.from({ length: 8 * 784 }, () => rng.next()), [8, 1, 28, 28]);
      const target = ops.argMax(toCategorical(Int32Array.from({ length: 8 }, (_, i) => i % 10), 10), 1);
      const loss = F.crossEntropy(net.forward(x), target);
      const weights = new Set<Tensor>(net.parameters().filter((p) => p.rank === 4));
      assert.ok(weights.size >= 2);
      const counts = graphOps(loss);
      // Each conv weight is read by exactly one recorded conv op, with no transpose between.
      const seen = new Set<Tensor>(), stack: Tensor[] = [loss];
      let transposesOfWeights = 0, convsOfWeights = 0;
      while (stack.length > 0) {
        const t = stack.pop()!;
        if (seen.has(t) || t.gradNode === null) continue;
        seen.add(t);
        for (const input of t.gradNode.inputs) {
          if (!weights.has(input)) continue;
          if (t.gradNode.op === 'transpose') transposesOfWeights++;
          else convsOfWeights++;
        }
        stack.push(...t.gradNode.inputs);
      }
      assert.equal(transposesOfWeights, 0, JSON.stringify([...counts]));
      assert.equal(convsOfWeights, weights.size, JSON.stringify([...counts]));
      loss.backward();
      for (const w of weights) assert.ok(w.grad !== null && w.grad.storedOrder !== null, 'the gradient arrives in the weight\'s stored order');
    });
  }
});
