/**
 * A channels-last op (conv, conv+pool, pool) whose NCHW input is the NCHW view of an earlier such
 * op's NHWC output reads that output itself (ops/channels-last.ts): the graph loses the two views
 * that cancel. Same values and gradients as the path through the views (kept here by a reshape in
 * between, which the op cannot see through), including when the map also feeds another op; and
 * `backward()` still frees the skipped view's graph (its rule dropped, as when the walk reached it).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backward, gradients } from '../src/autograd/backward.js';
import { engine } from '../src/backend/engine.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as nn from '../src/nn/index.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';

registerWasmBackend({ name: 'wasm-cancel-1t', threads: 1, priority: 0 });
const F = nn.F;

function leaf(shape: number[], rng: Random): Tensor {
  const t = ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * 0.5), shape);
  t.requiresGrad = true;
  return t;
}

/** The ops between the leaves (none above the conv) and how many transposes the graph keeps. */
function transposesIn(root: Tensor): number {
  const seen = new Set<Tensor>();
  let n = 0;
  const visit = (t: Tensor): void => {
    if (seen.has(t) || t.gradNode === null) return;
    seen.add(t);
    if (t.gradNode.op === 'transpose') n++;
    for (const i of t.gradNode.inputs) if (i.needsGrad) visit(i);
  };
  visit(root);
  return n;
}

type Net = (x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor, between: (t: Tensor) => Tensor) => Tensor;

const NETS: Record<string, Net> = {
  'conv -> conv': (x, w1, b1, w2, b2, between) => ops.sum(F.conv2d(between(F.conv2d(x, w1, b1, { padding: 1 })), w2, b2)),
  'conv -> relu -> maxPool -> conv (one fused op, then a conv)': (x, w1, b1, w2, b2, between) =>
    ops.sum(F.conv2d(between(F.maxPool2d(F.relu(F.conv2d(x, w1, b1)), 2)), w2, b2)),
  'conv -> maxPool': (x, w1, b1, _w2, _b2, between) => ops.sum(ops.square(F.maxPool2d(between(F.conv2d(x, w1, b1)), 2))),
  'conv -> conv and a second consumer of the map': (x, w1, b1, w2, b2, between) => {
    const y = between(F.conv2d(x, w1, b1, { padding: 1 }));
    return ops.add(ops.sum(F.conv2d(y, w2, b2)), ops.sum(ops.square(y)));
  },
};

describe('channels-last ops read through a cancelling NCHW view', () => {
  for (const backend of ['ref', 'wasm-cancel-1t']) {
    for (const [name, net] of Object.entries(NETS)) {
      it(`${backend}, ${name}: same loss and gradients as through the views, fewer transposes`, () => {
        engine.setBackend(backend);
        const rng = new Random(11);
        const leaves = [leaf([2, 3, 8, 8], rng), leaf([4, 3, 3, 3], rng), leaf([4], rng), leaf([5, 4, 3, 3], rng), leaf([5], rng)] as const;
        const run = (between: (t: Tensor) => Tensor) => {
          const loss = net(...leaves, between);
          const transposes = transposesIn(loss);
          const grads = gradients(loss, [...leaves]).map((g) => (g === null ? null : Array.from(g.dataSync())));
          return { loss: loss.dataSync()[0], grads, transposes };
        };
        const direct = run((t) => t);
        const viewed = run((t) => ops.reshape(t, [...t.shape]));
        assert.equal(direct.loss, viewed.loss);
        assert.deepEqual(direct.grads, viewed.grads);
        assert.ok(direct.transposes < viewed.transposes, `transposes ${direct.transposes} vs ${viewed.transposes}`);
      });
    }
  }

  it('backward() frees the graph of the view the next conv skipped', () => {
    engine.setBackend('wasm-cancel-1t');
    const rng = new Random(3);
    const [x, w1, b1, w2] = [leaf([1, 2, 6, 6], rng), leaf([3, 2, 3, 3], rng), leaf([3], rng), leaf([2, 3, 3, 3], rng)];
    const y = F.conv2d(x, w1, b1);
    backward(ops.sum(F.conv2d(y, w2)));
    // As when the walk reached y: its rule dropped, so nothing later differentiates through it.
    assert.equal(y.graphFreed, true);
    assert.equal(y.gradNode, null);
  });
});
