/**
 * A contiguous slice (a range of the leading axis, `narrow`, `select(x, 0, i)`) shares its
 * source's storage at an offset instead of copying it (ops/slice-view.ts), on every backend:
 * - values equal the copy's, other slices still copy, and no kernel runs for a view;
 * - the gradient through a view is slice's (Pad of dy), for a view of a view too;
 * - the source's block lives while any view does, whichever is released first, and comes back
 *   when both are gone, released or collected (neither in a scope);
 * - a view of a variable keeps the values it was taken from after an optimizer step.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engine, memory, setBackend } from '../src/backend/engine.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import '../src/node/install-collector.js';
import { gradients } from '../src/autograd/backward.js';
import { mul } from '../src/ops/binary.js';
import { conv2d } from '../src/ops/conv2d.js';
import { matmul } from '../src/ops/matmul.js';
import { tensor } from '../src/ops/create.js';
import { sum } from '../src/ops/reduce.js';
import { slice } from '../src/ops/shape-ops.js';
import { contiguousOffset } from '../src/ops/slice-view.js';
import { narrow, select } from '../src/nn/tensor-shape.js';
import { Parameter } from '../src/nn/parameter.js';
import { SGD } from '../src/nn/optim/sgd.js';
import { reclaimUnreachable } from '../src/tensor/reclamation.js';
import { withScope } from '../src/tensor/scope.js';
import type { Tensor } from '../src/tensor/tensor.js';

registerWasmBackend({ name: 'wasm-view-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-view-2t', threads: 2, priority: 0 });

/** [4, 2, 3] holding 0..23. */
const iota = (n = 24, shape = [4, 2, 3]) => tensor(Float32Array.from({ length: n }, (_, i) => i), shape);

/** Kernel calls made while `fn` runs. */
function kernelCalls<R>(fn: () => R): { result: R; calls: string[] } {
  const calls: string[] = [];
  const before = engine.observer;
  engine.observer = (id) => calls.push(id);
  try {
    return { result: fn(), calls };
  } finally {
    engine.observer = before;
  }
}

const values = (t: Tensor) => Array.from(t.dataSync());

describe('contiguousOffset', () => {
  it('finds leading-axis ranges and rows inside a unit prefix, and rejects the rest', () => {
    assert.equal(contiguousOffset([4, 2, 3], [1, 0, 0], [2, 2, 3]), 6);
    assert.equal(contiguousOffset([4, 2, 3], [2, 1, 0], [1, 1, 3]), 15);
    assert.equal(contiguousOffset([4, 2, 3], [3, 1, 2], [1, 1, 1]), 23);
    assert.equal(contiguousOffset([4, 2, 3], [0, 1, 0], [4, 1, 3]), -1);
    assert.equal(contiguousOffset([4, 2, 3], [0, 0, 1], [4, 2, 2]), -1);
  });
});

for (const backend of ['ref', 'wasm-view-1t', 'wasm-view-2t']) {
  describe(`contiguous slices share storage (${backend})`, () => {
    it('have the values of the copy, run no kernel and allocate nothing', () => {
      setBackend(backend);
      const x = iota();
      const before = memory();
      const { result: y, calls } = kernelCalls(() => slice(x, [1, 0, 0], [2, 2, 3]));
      assert.deepEqual(calls, []);
      assert.deepEqual(memory().bytes, before.bytes);
      assert.deepEqual(values(y), [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
      assert.deepEqual(values(narrow(x, 0, 3, 1)), [18, 19, 20, 21, 22, 23]);
      assert.deepEqual(values(select(select(x, 0, 2), 0, 1)), [15, 16, 17]);
      // A view of a view, and kernels reading a view as their input.
      const z = slice(y, [1, 1, 0], [1, 1, 3]);
      assert.deepEqual(values(z), [15, 16, 17]);
      assert.deepEqual(values(mul(z, z)), [225, 256, 289]);
    });

    it('feed kernels at offsets that are not 16-byte aligned, as a copy would', () => {
      setBackend(backend);
      // 5x5x3 = 75 floats per image: image 1 starts 300 bytes into the block.
      const x = tensor(Float32Array.from({ length: 4 * 75 }, (_, i) => Math.sin(i)), [4, 5, 5, 3]);
      const w = tensor(Float32Array.from({ length: 3 * 3 * 3 * 8 }, (_, i) => Math.cos(i)), [3, 3, 3, 8]);
      const view = slice(x, [1, 0, 0, 0], [3, 5, 5, 3]);
      const copy = tensor(view.dataSync(), view.shape);
      assert.deepEqual(values(conv2d(view, w, { padding: 'same' })), values(conv2d(copy, w, { padding: 'same' })));
      const rows = slice(tensor(Float32Array.from({ length: 7 * 9 }, (_, i) => i % 5), [7, 9]), [3, 0], [4, 9]);
      const m = tensor(Float32Array.from({ length: 9 * 6 }, (_, i) => i % 7), [9, 6]);
      assert.deepEqual(values(matmul(rows, m)), values(matmul(tensor(rows.dataSync(), rows.shape), m)));
    });

    it('copies what is not one range of the storage (a middle axis, a permuted layout)', () => {
      setBackend(backend);
      const x = iota();
      const { result: y, calls } = kernelCalls(() => slice(x, [0, 1, 0], [4, 1, 3]));
      assert.deepEqual(calls, ['Slice']);
      assert.deepEqual(values(y), [3, 4, 5, 9, 10, 11, 15, 16, 17, 21, 22, 23]);
      assert.throws(() => slice(x, [3, 0, 0], [2, 2, 3]), /Slice/);
    });

    it('pass slice\'s gradient (zeros outside the range), through a view of a view too', () => {
      setBackend(backend);
      const x = iota();
      x.requiresGrad = true;
      const w = tensor([1, 2, 3], [1, 1, 3]);
      const [g] = gradients(sum(mul(slice(slice(x, [1, 0, 0], [2, 2, 3]), [1, 0, 0], [1, 2, 3]), w)), [x]);
      const expected = new Array<number>(24).fill(0);
      for (let i = 12; i < 18; i++) expected[i] = (i % 3) + 1;
      assert.deepEqual(values(g!), expected);
    });

    it('keep the source block alive until both are released, in either order', () => {
      setBackend(backend);
      const start = memory();
      withScope(() => {
        const x = iota(4096, [64, 64]);
        const y = slice(x, [8, 0], [8, 64]);
        x.release();
        assert.deepEqual(values(y).slice(0, 2), [512, 513]);
        const z = slice(y, [1, 0], [1, 64]);
        y.release();
        assert.equal(z.dataSync()[0], 576);
        assert.ok(memory().bytes > start.bytes, 'the source block is still held by the view');
        z.release();
        assert.equal(memory().bytes, start.bytes);
        const a = iota(4096, [64, 64]);
        const b = slice(a, [0, 0], [1, 64]);
        b.release();
        assert.equal(a.dataSync()[4095], 4095);
        a.release();
        assert.equal(memory().bytes, start.bytes);
      });
      assert.equal(memory().bytes, start.bytes);
      assert.equal(memory().handles, start.handles);
    });

    it('give the block back through the collector when neither was scoped or released', () => {
      setBackend(backend);
      assert.ok(reclaimUnreachable());
      const start = memory();
      let kept: Tensor | null = null;
      (() => {
        const x = iota(1 << 16, [256, 256]);
        kept = slice(x, [255, 0], [1, 256]);
        for (let i = 0; i < 100; i++) slice(x, [i, 0], [2, 256]);
      })();
      reclaimUnreachable();
      assert.ok(memory().bytes > start.bytes, 'the kept view holds its source');
      assert.equal(kept!.dataSync()[255], 65535);
      kept = null;
      reclaimUnreachable();
      assert.equal(memory().bytes, start.bytes);
      assert.equal(memory().handles, start.handles);
      assert.equal(memory().tensors, start.tensors);
    });

    it('of a variable keep the values they were taken from after an optimizer step', () => {
      setBackend(backend);
      const p = new Parameter(tensor([1, 2, 3, 4, 5, 6], [3, 2]));
      const row = slice(p, [1, 0], [1, 2]);
      const opt = new SGD([p], { lr: 0.5 });
      const [g] = gradients(sum(p), [p]);
      p.grad = g!;
      opt.step();
      assert.deepEqual(values(p), [0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
      assert.deepEqual(values(row), [3, 4]);
      assert.deepEqual(values(slice(p, [1, 0], [1, 2])), [2.5, 3.5]);
      p.assign(tensor([0, 0, 0, 0, 0, 0], [3, 2]));
      assert.deepEqual(values(row), [3, 4]);
    });
  });
}
