/**
 * FreeBlocks against a plain list of blocks: random adds and removes, and after each the answers
 * the allocator asks for (newest block of a size, newest of the smallest larger size, neighbours).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../../tensor/random.js';
import { FreeBlocks } from './free-blocks.js';

interface Block { start: number; size: number; order: number }

function newestOf(blocks: readonly Block[], size: number): number {
  let best: Block | null = null;
  for (const b of blocks) if (b.size === size && (best === null || b.order > best.order)) best = b;
  return best === null ? -1 : best.start;
}

function newestOfSmallestLargerIn(blocks: readonly Block[], size: number): number {
  let smallest = Infinity;
  for (const b of blocks) if (b.size > size && b.size < smallest) smallest = b.size;
  return smallest === Infinity ? -1 : newestOf(blocks, smallest);
}

test('FreeBlocks answers as a plain list of blocks does, over random adds and removes', () => {
  const rng = new Random(5);
  const free = new FreeBlocks();
  let blocks: Block[] = [];
  let next = 0;
  let order = 0;
  for (let step = 0; step < 4000; step++) {
    if (blocks.length === 0 || rng.next() < 0.55) {
      // Few distinct sizes, so stacks of one size form and empty again.
      const size = 64 * (1 + rng.int(40));
      blocks.push({ start: next, size, order: order++ });
      free.add(next, size);
      next += size + 64;
    } else {
      const victim = blocks[rng.int(blocks.length)]!;
      free.remove(victim.start);
      blocks = blocks.filter((b) => b !== victim);
    }
    const probe = 64 * rng.int(42);
    assert.equal(free.newestOfSize(probe), newestOf(blocks, probe), `newestOfSize(${probe}) at step ${step}`);
    assert.equal(free.newestOfSmallestLarger(probe), newestOfSmallestLargerIn(blocks, probe), `newestOfSmallestLarger(${probe}) at step ${step}`);
    assert.equal(free.count, blocks.length);
  }
});
