/**
 * Reclaiming unreachable tensors on the wasm backend (tensor/reclamation.ts), in a 96 MB heap so
 * that running out is quick:
 * - with Node's collector (full collection + cleanupSome) a loop that never yields stays flat;
 * - where storage only comes back at the next event-loop turn (engines without cleanupSome), such
 *   a loop runs out with an error that names the remedies, and the backend works again once the
 *   program yields; `withScope` and `using` keep that loop flat without yielding;
 * - a kernel call that throws gives back the blocks it had allocated.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { engine, memory, setBackend } from '../src/backend/engine.js';
import { add } from '../src/ops/binary.js';
import { ones } from '../src/ops/create.js';
import { nodeGarbageCollector } from '../src/node/garbage-collector.js';
import { createNodeWasmBackend } from '../src/node/wasm/register.js';
import type { WasmBackend } from '../src/backend/wasm/backend.js';
import { installGarbageCollector, reclamationMode } from '../src/tensor/reclamation.js';
import { withScope } from '../src/tensor/scope.js';
import type { Tensor } from '../src/tensor/tensor.js';

const HEAP = 96 * 2 ** 20;
engine.registerBackend('wasm-96mb', () => createNodeWasmBackend({ threads: 1, heapLimitBytes: HEAP }), 0);
const nodeCollector = nodeGarbageCollector();
assert.ok(nodeCollector !== null, 'Node lets Fovea drive its garbage collector');
after(() => installGarbageCollector(nodeCollector));
/** What Node gives on engines without cleanupSome: a full collection now, finalizers at the next turn. */
const collectorWithoutCleanupSome = { collectNow: nodeCollector.collectNow };

/** 4 MB per iteration: 200 iterations make 800 MB, eight times the heap. */
function plainLoop(x: Tensor, iterations: number): Tensor {
  let y = x;
  for (let i = 0; i < iterations; i++) y = add(x, x);
  return y;
}

const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('reclaiming unreachable tensors (wasm, 96 MB heap)', () => {
  it('runs a loop that never yields in flat memory where the collector can run finalizers at once', () => {
    installGarbageCollector(nodeCollector);
    setBackend('wasm-96mb');
    assert.equal(reclamationMode(), 'now');
    const x = ones([1 << 20]);
    const y = plainLoop(x, 200);
    assert.equal(y.dataSync()[0], 2);
    assert.ok(memory().bytes < HEAP, `${memory().bytes} bytes live`);
  });

  it('otherwise fails with the remedies, then works again once the program yields', async () => {
    installGarbageCollector(collectorWithoutCleanupSome);
    setBackend('wasm-96mb');
    assert.equal(reclamationMode(), 'next-turn');
    await turn();
    const x = ones([1 << 20]);
    assert.throws(() => plainLoop(x, 200), (e: Error) => {
      assert.match(e.message, /out of memory: .* MB of heap needed, the limit is 96\.0 MB/);
      assert.match(e.message, /made since the program last yielded to the event loop/);
      assert.match(e.message, /withScope\(/);
      assert.match(e.message, /using/);
      return true;
    });
    // V8 posts the finalizers as a task of its own: they run within the next few turns.
    for (let t = 0; t < 10 && memory().bytes >= 16 * 2 ** 20; t++) await turn();
    assert.ok(memory().bytes < 16 * 2 ** 20, `after yielding, ${memory().bytes} bytes are still held`);
    assert.equal(add(x, x).dataSync()[1 << 19], 2);
  });

  it('keeps a loop that never yields flat inside withScope or with using', async () => {
    installGarbageCollector(collectorWithoutCleanupSome);
    setBackend('wasm-96mb');
    await turn();
    const x = ones([1 << 20]);
    const before = memory().bytes;
    for (let i = 0; i < 200; i++) {
      withScope(() => {
        assert.equal(add(x, x).size, 1 << 20);
      });
    }
    for (let i = 0; i < 200; i++) {
      using y = add(x, x);
      assert.equal(y.size, 1 << 20);
    }
    assert.equal(memory().bytes, before, 'scoped iterations leave nothing behind');
  });

  it('gives back the blocks of a kernel call that throws', () => {
    setBackend('wasm-96mb');
    const heap = (engine.backend as WasmBackend).context.heap;
    const before = { ...heap.memoryInfo(), used: heap.alloc.usedBytes };
    assert.throws(() => heap.inCall(() => {
      heap.output([1000]);
      heap.scratch(4096);
      throw new Error('late failure');
    }), /late failure/);
    assert.deepEqual({ ...heap.memoryInfo(), used: heap.alloc.usedBytes }, before);
  });
});
