/**
 * The wasm heap allocator: blocks never overlap, freed neighbours merge and give the bump pointer
 * back, a larger free block serves a smaller request, and a repeated alloc/free pattern (a
 * training step) stops growing the heap after its first round.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeapAllocator, sizeClass } from '../src/backend/wasm/alloc.js';
import { oldGenerationBytesPerCall } from '../src/node/old-generation-test-util.js';
import { Random } from '../src/tensor/random.js';

const newAllocator = () => new HeapAllocator(new WebAssembly.Memory({ initial: 1, maximum: 4096 }), 4096 * 65536);

describe('wasm heap allocator', () => {
  it('rounds sizes to 64-byte multiples with at most 25% waste', () => {
    for (const b of [1, 63, 64, 65, 300, 1000, 4097, 100_000, 5_537_792]) {
      const s = sizeClass(b);
      assert.ok(s >= b && s % 64 === 0 && s <= Math.max(64, b * 1.25 + 64), `class ${s} for ${b}`);
    }
  });

  it('merges freed neighbours and lowers the bump pointer', () => {
    const a = newAllocator();
    const start = a.highWater;
    const x = a.alloc(1000), y = a.alloc(5000), z = a.alloc(300);
    assert.equal(a.highWater, start + x.size + y.size + z.size);
    a.release(x.ptr, x.size);
    a.release(y.ptr, y.size);
    assert.equal(a.highWater, start + x.size + y.size + z.size, 'z still pins the top');
    // x and y merged: a request bigger than either alone fits below z.
    const w = a.alloc(x.size + y.size - 64);
    assert.equal(w.ptr, x.ptr);
    a.release(w.ptr, w.size);
    a.release(z.ptr, z.size);
    assert.equal(a.highWater, start, 'everything free: the top is back at the start');
    assert.equal(a.usedBytes, 0);
  });

  it('never hands out overlapping blocks (random alloc/free)', () => {
    const a = newAllocator();
    const rng = new Random(7);
    const live: { ptr: number; size: number }[] = [];
    for (let step = 0; step < 3000; step++) {
      if (live.length > 0 && rng.next() < 0.45) {
        const [b] = live.splice(rng.int(live.length), 1);
        a.release(b!.ptr, b!.size);
      } else {
        live.push(a.alloc(1 + rng.int(200_000)));
      }
      const sorted = [...live].sort((p, q) => p.ptr - q.ptr);
      for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i - 1]!.ptr + sorted[i - 1]!.size <= sorted[i]!.ptr, `overlap at step ${step}`);
      for (const b of live) assert.ok(b.ptr % 64 === 0 && b.ptr + b.size <= a.highWater);
    }
  });

  it('a repeated allocation pattern stops growing the heap', () => {
    const a = newAllocator();
    const kept = [a.alloc(4000), a.alloc(70_000)];
    const tops: number[] = [];
    for (let round = 0; round < 6; round++) {
      const temps = [30_000, 5_000, 120_000, 64, 30_000, 9_000].map((b) => a.alloc(b));
      // Like an optimizer: new weights are made inside the step, the old ones are freed.
      const next = kept.map((k) => a.alloc(k.size));
      kept.forEach((k) => a.release(k.ptr, k.size));
      kept.splice(0, kept.length, ...next);
      temps.reverse().forEach((t) => a.release(t.ptr, t.size));
      tops.push(a.highWater);
    }
    // The layout may alternate (weights move each round) but never needs more than the first rounds.
    assert.ok(Math.max(...tops.slice(2)) <= Math.max(tops[0]!, tops[1]!), `heap top per round: ${tops.join(', ')}`);
  });

  it('asks for a reclaim only when the bytes in use grew enough since the last one, not per byte handed out', () => {
    const MB = 1 << 20;
    const garbage: { ptr: number; size: number }[] = [];
    let reclaims = 0;
    const a: HeapAllocator = new HeapAllocator(new WebAssembly.Memory({ initial: 1, maximum: 8192 }), 8192 * 65536, {
      // What a full collection wins: every block the loop dropped without freeing.
      reclaim: () => {
        reclaims++;
        for (const g of garbage.splice(0)) a.release(g.ptr, g.size);
      },
      outOfMemory: (needed, limit) => new Error(`out of memory: ${needed} > ${limit}`),
    });
    const weights = a.alloc(4 * MB);
    // A scoped step hands out 6 MB and frees it all: 200 steps (1.2 GB handed out) never reclaim.
    for (let step = 0; step < 200; step++) [MB, 2 * MB, 3 * MB].map((b) => a.alloc(b)).forEach((t) => a.release(t.ptr, t.size));
    assert.equal(reclaims, 0);
    // A PyTorch-style step also frees its internals but leaves 2 MB of activations to the collector:
    // a reclaim per 64 MB of garbage at most (the floor), so about one per 32 steps, not one per few.
    for (let step = 0; step < 320; step++) {
      [MB, 2 * MB, 3 * MB].map((b) => a.alloc(b)).forEach((t) => a.release(t.ptr, t.size));
      garbage.push(a.alloc(2 * MB));
    }
    assert.ok(reclaims >= 8 && reclaims <= 10, `${reclaims} reclaims for 640 MB of garbage`);
    // And the heap stays within the live size plus the garbage budget (plus the scoped working set and growth slack).
    assert.ok(a.highWater <= (4 + 64 + 2 + 6) * MB * 1.25 + MB, `heap top ${a.highWater / MB} MB`);
    a.release(weights.ptr, weights.size);
  });
});

describe('wasm heap allocator garbage', () => {
  it('a training step of allocations and frees puts (almost) nothing in V8\'s old generation', () => {
    // Its free-block indexes live as long as the backend: as Maps, their tables were rebuilt in
    // the old generation every few hundred operations (~2 KB per step of this pattern).
    const a = newAllocator();
    const kept = [a.alloc(100_000), a.alloc(3000)];
    const sizes = [30_000, 5000, 120_000, 64, 30_000, 9000, 700, 1300, 65_000, 256, 4096, 80_000];
    const bytes = oldGenerationBytesPerCall(() => {
      const blocks = sizes.map((b) => a.alloc(b));
      for (let i = 0; i < blocks.length; i++) {
        const b = blocks[(i * 7) % blocks.length]!;
        a.release(b.ptr, b.size);
      }
    }, 2000);
    assert.ok(bytes < 100, `${bytes.toFixed(0)} bytes of old generation per step`);
    assert.equal(a.usedBytes, kept[0]!.size + kept[1]!.size);
  });
});
