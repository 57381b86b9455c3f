/**
 * Tensor storage in the shared WebAssembly memory: handles are byte ranges handed out by the
 * allocator, and typed-array views over the memory are cached and re-created after it grows (the
 * shared buffer object changes identity then, and old views keep their old length).
 */
import type { DType } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';
import { sizeOf } from '../../tensor/shape.js';
import type { BackendMemory } from '../backend.js';
import type { DataHandle, TensorInfo } from '../kernels.js';
import { eventLoopTurn, reclaimUnreachable, reclamationMode } from '../../tensor/reclamation.js';
import { HeapAllocator } from './alloc.js';
import { IntMap } from './int-map.js';
import { MAXIMUM_PAGES } from './loader.js';
import type { WasmMemory } from './wasm-objects.js';

let nextHandleId = 1;

export class WasmHandle implements DataHandle {
  declare readonly __backendHandle: true;
  readonly id = nextHandleId++;
  constructor(
    /** Byte offset in the heap. */
    public ptr: number,
    /** Capacity in bytes (the allocator's size class). */
    readonly size: number,
    /** The event-loop turn it was made in (tensor/reclamation.ts). */
    readonly turn: number,
    /** Set by free: a freed handle must never be read. */
    public freed = false,
    /** A range of another handle's block (`subview`): free gives nothing back to the allocator. */
    readonly borrowed = false,
  ) {}
}

export class WasmHeap {
  readonly alloc: HeapAllocator;
  private buffer: ArrayBufferLike;
  private f32View: Float32Array;
  private i32View: Int32Array;
  private liveHandles = 0;
  private liveBytes = 0;
  /** The current event-loop turn and the bytes of live handles made in it. */
  private turn = -1;
  private turnBytes = 0;
  /** Scratch blocks not yet given back (pointer -> size); an IntMap, as it churns every kernel call (int-map.ts). */
  private readonly liveScratch = new IntMap();
  /** Nesting depth of kernel calls, and what the outermost one allocated so far. */
  private callDepth = 0;
  private readonly callHandles: WasmHandle[] = [];
  private readonly callScratch: number[] = [];

  constructor(readonly memory: WasmMemory, limitBytes = MAXIMUM_PAGES * 65536) {
    this.alloc = new HeapAllocator(memory, Math.min(limitBytes, MAXIMUM_PAGES * 65536), {
      reclaim: () => reclaimUnreachable(),
      outOfMemory: (needed, limit) => this.outOfMemory(needed, limit),
    });
    this.buffer = memory.buffer;
    this.f32View = new Float32Array(this.buffer);
    this.i32View = new Int32Array(this.buffer);
  }

  /** The whole heap as float32 (fresh after growth). */
  get f32(): Float32Array {
    this.refresh();
    return this.f32View;
  }

  get i32(): Int32Array {
    this.refresh();
    return this.i32View;
  }

  private refresh(): void {
    if (this.f32View.byteLength !== this.memory.buffer.byteLength) {
      this.buffer = this.memory.buffer;
      this.f32View = new Float32Array(this.buffer);
      this.i32View = new Int32Array(this.buffer);
    }
  }

  /** Storage for `n` 4-byte elements (a tensor handle, counted by memory()). */
  handle(n: number): WasmHandle {
    const { ptr, size } = this.alloc.alloc(n * 4);
    const turn = eventLoopTurn();
    if (turn !== this.turn) {
      this.turn = turn;
      this.turnBytes = 0;
    }
    this.liveHandles++;
    this.liveBytes += size;
    this.turnBytes += size;
    const h = new WasmHandle(ptr, size, turn);
    if (this.callDepth > 0) this.callHandles.push(h);
    return h;
  }

  /**
   * Runs one kernel call. If it throws (out of memory halfway, a bad shape found late), the blocks
   * it had allocated and not given back are released: nobody can reach a failed call's outputs,
   * and leaking them would leave the heap fuller after each failure.
   */
  inCall<R>(run: () => R): R {
    this.callDepth++;
    let ok = false;
    try {
      const result = run();
      ok = true;
      return result;
    } finally {
      if (--this.callDepth === 0) {
        if (!ok) this.releaseFailedCall();
        this.callHandles.length = 0;
        this.callScratch.length = 0;
      }
    }
  }

  private releaseFailedCall(): void {
    for (const h of this.callHandles) this.free(h);
    for (const ptr of this.callScratch) {
      const size = this.liveScratch.get(ptr);
      if (size >= 0) this.releaseScratch({ ptr, size });
    }
  }

  /**
   * A handle to `n` elements of h's block from element `offset`: no allocation, not counted by
   * memory(); whoever makes it keeps h alive while it lives (tensor.ts `Storage.source`).
   */
  subview(h: WasmHandle, offset: number, n: number): WasmHandle {
    if (h.freed) throw new Error('wasm backend: storage used after it was freed');
    if (offset < 0 || (offset + n) * 4 > h.size) throw new Error(`wasm backend: a view of ${n} elements at ${offset} exceeds a block of ${h.size} bytes`);
    return new WasmHandle(h.ptr + offset * 4, n * 4, h.turn, false, true);
  }

  free(h: WasmHandle): void {
    if (h.freed) return;
    h.freed = true;
    if (h.borrowed) return;
    this.liveHandles--;
    this.liveBytes -= h.size;
    if (h.turn === this.turn) this.turnBytes -= h.size;
    this.alloc.release(h.ptr, h.size);
  }

  /**
   * What to run when h's storage becomes unreachable without free: gives its block back. It holds
   * the handle (a few numbers, never the storage, so it does not keep the storage reachable); a
   * handle already freed (and its block perhaps reused) is left alone.
   */
  reclaimer(h: WasmHandle): () => void {
    return () => this.free(h);
  }

  /**
   * The heap is full even after reclaiming what could be: say what holds it and what to do. Where
   * storage only comes back when the program yields, the usual cause is a loop that never does.
   */
  private outOfMemory(needed: number, limit: number): Error {
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
    const held = `tensors hold ${mb(this.liveBytes)} in ${this.liveHandles} blocks, ${mb(this.turnBytes)} of it made since the program last yielded to the event loop`;
    const when = reclamationMode() === 'now'
      ? 'Every unreachable tensor was already reclaimed, so the program keeps references to these tensors (in arrays, maps or closures): drop them.'
      : 'Tensors the program no longer reaches are reclaimed only when it yields to the event loop: `await` in the loop (e.g. `await new Promise((r) => setTimeout(r))` every few steps), or run each iteration in `withScope(() => ...)`, or declare its tensors with `using`. The backend works again once they are reclaimed.';
    return new Error(`wasm backend: out of memory: ${mb(needed)} of heap needed, the limit is ${mb(limit)}; ${held}. ${when}`);
  }

  /** A new output tensor of `shape`; its contents are undefined until the kernel writes them. */
  output(shape: Shape, dtype: DType = 'float32'): TensorInfo & { handle: WasmHandle } {
    return { handle: this.handle(sizeOf(shape)), shape: [...shape], dtype };
  }

  /** Internal scratch (not a tensor): pointer and size, give back with releaseScratch. */
  scratch(bytes: number): { ptr: number; size: number } {
    const s = this.alloc.alloc(bytes);
    this.liveScratch.set(s.ptr, s.size);
    if (this.callDepth > 0) this.callScratch.push(s.ptr);
    return s;
  }

  /** Scratch that outlives the kernel call that makes it (per-thread workspaces). */
  lastingScratch(bytes: number): { ptr: number; size: number } {
    const s = this.alloc.alloc(bytes);
    this.liveScratch.set(s.ptr, s.size);
    return s;
  }

  releaseScratch(s: { ptr: number; size: number }): void {
    if (!this.liveScratch.delete(s.ptr)) return;
    this.alloc.release(s.ptr, s.size);
  }

  /** Element view of a handle (float32 or int32 by dtype). */
  view(h: DataHandle, dtype: DType, n: number): Float32Array | Int32Array {
    const w = h as WasmHandle;
    if (w.freed) throw new Error('wasm backend: storage used after it was freed');
    const at = w.ptr >> 2;
    return dtype === 'int32' ? this.i32.subarray(at, at + n) : this.f32.subarray(at, at + n);
  }

  memoryInfo(): BackendMemory {
    return { handles: this.liveHandles, bytes: this.liveBytes };
  }
}

/** Byte pointer of a kernel input. */
export function ptrOf(t: TensorInfo): number {
  const h = t.handle as WasmHandle;
  if (h.freed) throw new Error('wasm backend: storage used after it was freed');
  return h.ptr;
}
