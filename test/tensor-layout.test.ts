/** Permuted storage: transposes relabel, reorder once when read, cancel in pairs, pass through elementwise ops. */
import { kernelCalls } from '../src/backend/kernel-calls.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradients } from '../src/autograd/backward.js';
import { engine } from '../src/backend/engine.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { composePerms, inversePerm, movesNothing } from '../src/tensor/layout.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';

registerWasmBackend({ name: 'wasm', threads: 2, priority: 0 });


const randn = (shape: number[], seed = 1) => {
  const r = new Random(seed);
  return ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.normal()), shape);
};

/** Row-major transpose on the host, the reference. */
function hostTranspose(t: Tensor, perm: number[]): Float32Array {
  const v = t.dataSync(), shape = t.shape;
  const outShape = perm.map((a) => shape[a]!);
  const out = new Float32Array(v.length);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const idx = new Array(outShape.length).fill(0);
  for (let o = 0; o < v.length; o++) {
    let src = 0;
    idx.forEach((k, i) => (src += k * strides[perm[i]!]!));
    out[o] = v[src]!;
    for (let d = outShape.length - 1; d >= 0; d--) {
      if (++idx[d] < outShape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

describe('permuted storage (layout)', () => {
  for (const backend of ['ref', 'wasm']) {
    it(`${backend}: transpose moves no values until they are read, then reads them in order`, () => {
      engine.setBackend(backend);
      const x = randn([2, 3, 4, 5]);
      let y: Tensor | undefined;
      assert.equal(kernelCalls(() => (y = ops.transpose(x, [0, 2, 3, 1]))).get('Transpose'), undefined);
      assert.deepEqual(y!.shape, [2, 4, 5, 3]);
      const counts = kernelCalls(() => assert.deepEqual(Array.from(y!.dataSync()), Array.from(hostTranspose(x, [0, 2, 3, 1]))));
      assert.equal(counts.get('Transpose'), 1);
      assert.equal(kernelCalls(() => y!.dataSync()).get('Transpose'), undefined, 'reordered once');
    });

    it(`${backend}: transposes that undo each other share the storage; elementwise ops keep the order`, () => {
      engine.setBackend(backend);
      const x = randn([2, 3, 4, 5], 2);
      const counts = kernelCalls(() => {
        const nhwc = ops.transpose(x, [0, 2, 3, 1]);
        const r = ops.relu(nhwc);
        assert.notEqual(r.layout, null, 'relu of a permuted tensor stays permuted');
        const back = ops.transpose(r, [0, 3, 1, 2]);
        assert.equal(back.layout, null);
        assert.deepEqual(Array.from(back.dataSync()), Array.from(ops.relu(x).dataSync()));
      });
      assert.equal(counts.get('Transpose'), undefined);
    });

    it(`${backend}: gradients through permuted tensors equal the plain ones`, () => {
      engine.setBackend(backend);
      const x = randn([2, 3, 4, 4], 3);
      x.requiresGrad = true;
      const w = randn([2, 4, 4, 3], 4);
      const viaLayout = gradients(ops.sum(ops.mul(ops.tanh(ops.transpose(ops.relu(x), [0, 2, 3, 1])), w)), [x])[0]!;
      const plain = gradients(ops.sum(ops.mul(ops.transpose(ops.tanh(ops.relu(x)), [0, 2, 3, 1]), w)), [x])[0]!;
      assert.deepEqual(Array.from(viaLayout.dataSync()), Array.from(plain.dataSync()));
    });
  }

  it('a transpose that only moves axes of size 1 is a view (NCHW with one channel is NHWC)', () => {
    engine.setBackend('ref');
    const x = randn([4, 1, 6, 6]);
    const y = ops.transpose(x, [0, 2, 3, 1]);
    assert.equal(y.layout, null);
    assert.equal(y.storage, x.storage);
    assert.ok(movesNothing([4, 1, 6, 6], [0, 2, 3, 1]));
    assert.ok(!movesNothing([4, 2, 6, 6], [0, 2, 3, 1]));
  });

  it('perm algebra: compose and inverse', () => {
    assert.deepEqual(composePerms([0, 3, 1, 2], [0, 2, 3, 1]), [0, 1, 2, 3]);
    assert.deepEqual(inversePerm([0, 2, 3, 1]), [0, 3, 1, 2]);
  });

  it('a bad perm names the op and the axes', () => {
    assert.throws(() => ops.transpose(randn([2, 3]), [0, 0]), /transpose: perm must order the 2 axes 0..1 once each, got \[0, 0\]/);
  });

  it('views, variables and reshapes of a permuted tensor see the values in order', () => {
    engine.setBackend('wasm');
    const x = randn([2, 3, 4], 5);
    const y = ops.transpose(x, [2, 0, 1]);
    assert.deepEqual(Array.from(ops.reshape(y, [4, 6]).dataSync()), Array.from(hostTranspose(x, [2, 0, 1])));
    engine.setBackend('ref');
  });
});
