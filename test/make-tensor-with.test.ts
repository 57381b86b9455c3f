/**
 * engine.makeTensorWith on every backend: the fill callback writes the tensor's own storage (the
 * values it sets are the tensor's values, ops see them), the view has exactly the tensor's size
 * and type, and a callback that throws or tries to make tensors leaves no storage behind.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engine } from '../src/backend/engine.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import { add } from '../src/ops/index.js';
import { tensor } from '../src/ops/create.js';

registerWasmBackend({ name: 'wasm-1t', threads: 1, priority: 0 });

for (const backend of ['ref', 'wasm-1t']) {
  describe(`makeTensorWith on ${backend}`, () => {
    it('makes a float32 tensor holding exactly what fill wrote', () => {
      engine.setBackend(backend);
      const seen: Float32Array[] = [];
      const t = engine.makeTensorWith([2, 3], 'float32', (view) => {
        seen.push(view);
        for (let i = 0; i < view.length; i++) view[i] = (i * 37) / 255;
      });
      assert.ok(seen[0] instanceof Float32Array);
      assert.equal(seen[0].length, 6);
      assert.deepEqual(t.shape, [2, 3]);
      assert.equal(t.dtype, 'float32');
      assert.deepEqual(Array.from(t.dataSync()), Array.from(Float32Array.from([0, 37, 74, 111, 148, 185], (v) => v / 255)));
      // Ops read the same storage.
      assert.deepEqual(Array.from(add(t, t).dataSync()), Array.from(t.dataSync(), (v) => v * 2));
    });

    it('makes an int32 tensor (labels from bytes)', () => {
      engine.setBackend(backend);
      const bytes = Uint8Array.of(7, 2, 1, 0, 255);
      const t = engine.makeTensorWith([5], 'int32', (view) => {
        assert.ok(view instanceof Int32Array);
        view.set(bytes);
      });
      assert.equal(t.dtype, 'int32');
      assert.deepEqual(Array.from(t.dataSync()), [7, 2, 1, 0, 255]);
    });

    it('counts the new storage in memory()', () => {
      engine.setBackend(backend);
      const before = engine.memory();
      const t = engine.makeTensorWith([4, 4], 'float32', (view) => view.fill(1));
      const after = engine.memory();
      assert.equal(after.handles - before.handles, 1);
      assert.ok(after.bytes - before.bytes >= 64, `bytes grew by ${after.bytes - before.bytes}`);
      assert.equal(t.size, 16);
    });

    it('rejects making tensors inside fill and frees the storage', () => {
      engine.setBackend(backend);
      const before = engine.memory().handles;
      assert.throws(
        () => engine.makeTensorWith([3], 'float32', () => void tensor([1, 2, 3])),
        /makeTensorWith: the fill callback must not make tensors or run ops \(it called makeTensor\)/,
      );
      const x = tensor([1, 2]);
      assert.throws(
        () => engine.makeTensorWith([3], 'float32', () => void add(x, x)),
        /must not make tensors or run ops \(it called Binary\)/,
      );
      assert.equal(engine.memory().handles, before + 1, 'only x is left');
      // The engine works normally afterwards.
      assert.deepEqual(Array.from(add(x, x).dataSync()), [2, 4]);
    });

    it('passes a throwing fill through and frees the storage', () => {
      engine.setBackend(backend);
      const before = engine.memory();
      assert.throws(() => engine.makeTensorWith([1000], 'float32', () => {
        throw new Error('bad pixel');
      }), /bad pixel/);
      assert.deepEqual(engine.memory(), before);
    });

    it('handles empty shapes and rejects bad arguments', () => {
      engine.setBackend(backend);
      assert.deepEqual(engine.makeTensorWith([0, 3], 'float32', (view) => assert.equal(view.length, 0)).shape, [0, 3]);
      assert.throws(() => engine.makeTensorWith([2], 'float64' as 'float32', () => {}), /makeTensorWith: dtype must be 'float32' or 'int32', got 'float64'/);
      assert.throws(() => engine.makeTensorWith([2, -1], 'float32', () => {}), /makeTensorWith: shape \[2, -1\] must have non-negative integer dimensions/);
    });
  });
}
