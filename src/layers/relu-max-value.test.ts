/**
 * ReLU({ maxValue: 6 }) (mobilenet-mini's ReLU6) is Keras 3's native relu6: one Unary kernel
 * forward and one UnaryGrad backward, the gradient 1 on (0, 6) and 0 elsewhere (at 6 too). Other
 * maxValues keep relu then minimum.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradients } from '../autograd/backward.js';
import '../backend/engine.js';
import { kernelCalls } from '../backend/kernel-calls.js';
import { tensor } from '../ops/create.js';
import { sum } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';
import { ReLU } from './activation-layers.js';

const X = [-2, 0, 3, 6, 7.5, 5.99];

function forwardBackward(layer: ReLU): { y: number[]; dx: number[]; kernels: number } {
  const x = tensor(X);
  x.requiresGrad = true;
  let y: Tensor | null = null;
  let dx: Tensor | null = null;
  const calls = kernelCalls(() => {
    y = layer.call(x);
    dx = gradients(sum(y), [x])[0]!;
  });
  const kernels = [...calls.values()].reduce((n, c) => n + c, 0);
  return { y: Array.from(y!.dataSync()), dx: Array.from(dx!.dataSync()), kernels };
}

test('maxValue 6 runs relu6: one kernel forward, one backward (besides the sum and its gradient)', () => {
  const r = forwardBackward(new ReLU({ maxValue: 6 }));
  assert.deepEqual(r.y, Array.from(Float32Array.from([0, 0, 3, 6, 6, 5.99])));
  assert.deepEqual(r.dx, [0, 0, 1, 0, 0, 1]);
  const plain = forwardBackward(new ReLU());
  // relu6 costs exactly what plain relu costs.
  assert.equal(r.kernels, plain.kernels);
});

test('other maxValues clip with minimum, as before', () => {
  const r = forwardBackward(new ReLU({ maxValue: 4 }));
  assert.deepEqual(r.y, [0, 0, 3, 4, 4, 4]);
  assert.deepEqual(r.dx, [0, 0, 1, 0, 0, 0]);
});
