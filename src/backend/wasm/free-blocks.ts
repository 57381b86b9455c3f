/**
 * The wasm heap allocator's free blocks, indexed by start, by end (to merge neighbours) and by
 * size (stacks: the most recently freed block of a size is reused first), in typed arrays and
 * IntMaps (int-map.ts): adding, finding and removing a block allocate nothing on the JS heap, so the
 * hundreds of kernel outputs a training step allocates and frees leave no garbage behind for V8's
 * old generation (see int-map.ts for why Maps did).
 *
 * Each free block is a node (start, size, and its neighbours in its size's stack) in parallel
 * Int32Arrays; unused nodes form a chain through `below`.
 */
import { IntMap } from './int-map.js';

const NONE = -1;

export class FreeBlocks {
  /** Node -> block start, size, and the next older (`below`) / newer (`above`) node of the same size. */
  private start = new Int32Array(64);
  private bytes = new Int32Array(64);
  private below = new Int32Array(64);
  private above = new Int32Array(64);
  private unusedNode = NONE;
  private nodes = 0;
  private readonly byStart = new IntMap();
  private readonly byEnd = new IntMap();
  /** Size -> its newest node (top of the stack). */
  private readonly bySize = new IntMap();
  /**
   * The distinct sizes held, ascending (the first `sizeCount`): the smallest size larger than a
   * request is a binary search, where scanning `bySize` cost a pass over its whole table per
   * request that found no exact size (merged blocks have many sizes; ~0.05 ms per training step).
   */
  private sorted = new Int32Array(64);
  private sizeCount = 0;

  /** Free blocks held. */
  get count(): number {
    return this.byStart.size;
  }

  add(ptr: number, size: number): void {
    const node = this.newNode();
    this.start[node] = ptr;
    this.bytes[node] = size;
    const top = this.bySize.get(size);
    this.below[node] = top;
    this.above[node] = NONE;
    if (top !== NONE) this.above[top] = node;
    else this.insertSize(size);
    this.bySize.set(size, node);
    this.byStart.set(ptr, node);
    this.byEnd.set(ptr + size, node);
  }

  /** Size of the free block starting at `ptr`, or -1. */
  sizeAt(ptr: number): number {
    const node = this.byStart.get(ptr);
    return node === NONE ? NONE : this.bytes[node]!;
  }

  /** Start of the free block ending at `end`, or -1. */
  startOfBlockEndingAt(end: number): number {
    const node = this.byEnd.get(end);
    return node === NONE ? NONE : this.start[node]!;
  }

  /** Removes the free block starting at `ptr` (which must be one). */
  remove(ptr: number): void {
    const node = this.byStart.get(ptr);
    if (node === NONE) throw new Error(`FreeBlocks: no free block at ${ptr}`);
    const size = this.bytes[node]!;
    const [down, up] = [this.below[node]!, this.above[node]!];
    if (down !== NONE) this.above[down] = up;
    if (up !== NONE) this.below[up] = down;
    else if (down !== NONE) this.bySize.set(size, down);
    else {
      this.bySize.delete(size);
      this.removeSize(size);
    }
    this.byStart.delete(ptr);
    this.byEnd.delete(ptr + size);
    this.below[node] = this.unusedNode;
    this.unusedNode = node;
  }

  /** Start of the newest free block of exactly `size`, or -1. */
  newestOfSize(size: number): number {
    const node = this.bySize.get(size);
    return node === NONE ? NONE : this.start[node]!;
  }

  /** Start of the newest free block of the smallest size larger than `size`, or -1. */
  newestOfSmallestLarger(size: number): number {
    const i = this.firstSizeAbove(size);
    return i === this.sizeCount ? NONE : this.start[this.bySize.get(this.sorted[i]!)]!;
  }

  /** Index in `sorted` of the first size > `size` (sizeCount if none). */
  private firstSizeAbove(size: number): number {
    let lo = 0;
    let hi = this.sizeCount;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]! <= size) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insertSize(size: number): void {
    if (this.sizeCount === this.sorted.length) {
      const wider = new Int32Array(this.sorted.length * 2);
      wider.set(this.sorted);
      this.sorted = wider;
    }
    const i = this.firstSizeAbove(size);
    this.sorted.copyWithin(i + 1, i, this.sizeCount);
    this.sorted[i] = size;
    this.sizeCount++;
  }

  private removeSize(size: number): void {
    const i = this.firstSizeAbove(size) - 1;
    this.sorted.copyWithin(i, i + 1, this.sizeCount);
    this.sizeCount--;
  }

  private newNode(): number {
    if (this.unusedNode !== NONE) {
      const node = this.unusedNode;
      this.unusedNode = this.below[node]!;
      return node;
    }
    if (this.nodes === this.start.length) this.growNodes();
    return this.nodes++;
  }

  private growNodes(): void {
    const widen = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.start = widen(this.start);
    this.bytes = widen(this.bytes);
    this.below = widen(this.below);
    this.above = widen(this.above);
  }
}
