/**
 * The JS-side allocator of the shared WebAssembly heap (the kernels never allocate). Requests
 * round up to size classes (64-byte multiples, then 4 classes per power of two: <= 25% waste).
 * Freed blocks merge with free neighbours, and a free block that reaches the bump pointer lowers
 * it. Why merge: a training step frees almost everything it allocated, so its blocks fold back
 * into one region that the next step (or an evaluation at another batch size) carves again; with
 * per-size free lists alone, blocks of one size could never serve another, and evaluating at
 * batch 256 after training at 64 grew the heap by the whole batch-256 working set.
 * A request takes an exact-size free block, else the smallest larger one (split), else bumps,
 * after asking the owner to reclaim unreachable tensors' blocks where growing would otherwise
 * keep their garbage for good.
 */
import { FreeBlocks } from './free-blocks.js';
import type { WasmMemory } from './wasm-objects.js';

/** Bytes [0, BASE) stay unused so that pointer 0 can mean "absent" (no bias). */
const BASE = 1024;
const ALIGN = 64;
const PAGE = 65536;

/** The class size a request of `bytes` is served from. */
export function sizeClass(bytes: number): number {
  const b = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  if (b <= 4 * ALIGN) return b;
  // 4 classes per power of two: round up to a multiple of 2^(floor(log2 b) - 2).
  const step = 2 ** (Math.floor(Math.log2(b)) - 2);
  return Math.ceil(b / step) * step;
}

/**
 * Only a request that finds no free block and must grow the heap asks for a reclaim, and only once
 * the bytes in use grew by this much since the last one, or by as many as were in use right after
 * it if more. A reclaim (a full garbage collection) costs 5-20 ms, so it must win a lot each time:
 * the heap thus keeps up to its live size as room for garbage, as garbage-collected heaps do.
 * Growth in use, not bytes handed out, is what a reclaim can win: a step that frees what it made
 * (fit's scopes, a backward pass) hands out megabytes and leaves no garbage, and counting those
 * made a PyTorch-style loop (whose activations only the collector frees) reclaim after every few
 * steps: LeNet-5 at batch 64 every 13 steps instead of every 36.
 */
const RECLAIM_MIN_BYTES = 64 << 20;
const RECLAIM_LIVE_FRACTION = 1;

/** What the allocator asks its owner for when the heap would have to grow, or cannot. */
export interface HeapPressure {
  /** Gives back what unreachable tensors hold, where that can be done now (see tensor/reclamation.ts). */
  reclaim(): void;
  /** The error to throw when `needed` bytes of heap exceed `limit`. */
  outOfMemory(needed: number, limit: number): Error;
}

export class HeapAllocator {
  private top = BASE;
  /** Free blocks by size (the most recently freed block is reused first), start and end (to merge neighbours). */
  private readonly free = new FreeBlocks();
  /** Bytes in blocks handed out and not yet returned. */
  usedBytes = 0;
  /** Bytes in use right after the last reclaim: growth beyond it is at most what a reclaim could win. */
  private usedAfterReclaim = 0;

  constructor(
    private readonly memory: WasmMemory,
    private readonly maxBytes: number,
    private readonly pressure: HeapPressure | null = null,
  ) {}

  /** A 64-byte aligned block of at least `bytes`; returns its pointer and class size. */
  alloc(bytes: number): { ptr: number; size: number } {
    const size = sizeClass(bytes);
    let ptr = this.takeFree(size);
    if (ptr < 0 && this.pressure !== null && this.wouldGrow(size) && this.reclaimDue(size)) {
      // Growing would keep the garbage forever (a heap never shrinks), and past the limit there
      // is no growing at all: reclaim first.
      this.pressure.reclaim();
      this.usedAfterReclaim = this.usedBytes;
      ptr = this.takeFree(size);
    }
    if (ptr < 0) ptr = this.bump(size);
    this.usedBytes += size;
    return { ptr, size };
  }

  /** Whether bumping `size` bytes needs more memory than the heap has now. */
  private wouldGrow(size: number): boolean {
    return this.top + size > this.memory.buffer.byteLength;
  }

  /** The bytes in use grew enough since the last reclaim for one to pay, or the heap cannot grow at all. */
  private reclaimDue(size: number): boolean {
    const threshold = Math.max(RECLAIM_MIN_BYTES, this.usedAfterReclaim * RECLAIM_LIVE_FRACTION);
    return this.usedBytes - this.usedAfterReclaim >= threshold || this.top + size > this.maxBytes;
  }

  /** A free block of exactly `size` (split from a larger one if need be), or -1. */
  private takeFree(size: number): number {
    const exact = this.free.newestOfSize(size);
    if (exact >= 0) {
      this.free.remove(exact);
      return exact;
    }
    const fit = this.free.newestOfSmallestLarger(size);
    if (fit < 0) return -1;
    const have = this.free.sizeAt(fit);
    this.free.remove(fit);
    this.free.add(fit + size, have - size);
    return fit;
  }

  private bump(size: number): number {
    const ptr = this.top;
    const end = ptr + size;
    if (end > this.memory.buffer.byteLength) this.grow(end);
    this.top = end;
    return ptr;
  }

  release(ptr: number, size: number): void {
    this.usedBytes -= size;
    let start = ptr;
    let end = ptr + size;
    const before = this.free.startOfBlockEndingAt(start);
    if (before >= 0) {
      this.free.remove(before);
      start = before;
    }
    const after = this.free.sizeAt(end);
    if (after >= 0) {
      this.free.remove(end);
      end += after;
    }
    if (end === this.top) this.top = start;
    else this.free.add(start, end - start);
  }

  /** Bytes of the heap handed out so far (live or free below the bump pointer). */
  get highWater(): number {
    return this.top;
  }

  private grow(end: number): void {
    if (end > this.maxBytes) {
      throw this.pressure?.outOfMemory(end, this.maxBytes) ?? new Error(`wasm backend: out of memory: ${end} bytes of heap needed, the limit is ${this.maxBytes}`);
    }
    const current = this.memory.buffer.byteLength;
    // At least 25% more, so a growing working set does not grow page by page.
    const want = Math.min(this.maxBytes, Math.max(end, Math.ceil(current * 1.25)));
    this.memory.grow(Math.ceil((want - current) / PAGE));
  }
}
