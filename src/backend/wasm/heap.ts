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
import { HeapAllocator } from './alloc.js';
import { MAXIMUM_PAGES } from './loader.js';

let nextHandleId = 1;

export class WasmHandle implements DataHandle {
  declare readonly __backendHandle: true;
  readonly id = nextHandleId++;
  constructor(
    /** Byte offset in the heap. */
    public ptr: number,
    /** Capacity in bytes (the allocator's size class). */
    readonly size: number,
    /** Set by free: a freed handle must never be read. */
    public freed = false,
  ) {}
}

export class WasmHeap {
  readonly alloc: HeapAllocator;
  private buffer: ArrayBufferLike;
  private f32View: Float32Array;
  private i32View: Int32Array;
  private liveHandles = 0;
  private liveBytes = 0;
  /** Block pointer -> id of the handle that owns it. */
  private readonly owner = new Map<number, number>();

  constructor(readonly memory: WebAssembly.Memory) {
    this.alloc = new HeapAllocator(memory, MAXIMUM_PAGES * 65536);
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
    this.liveHandles++;
    this.liveBytes += size;
    const h = new WasmHandle(ptr, size);
    this.owner.set(ptr, h.id);
    return h;
  }

  free(h: WasmHandle): void {
    if (h.freed) return;
    h.freed = true;
    this.release(h.ptr, h.size, h.id);
  }

  /**
   * What to run when h becomes unreachable without free: gives its block back. It holds only
   * numbers; the block is released only if h still owns it (not after a free and reuse).
   */
  reclaimer(h: WasmHandle): () => void {
    const { ptr, size, id } = h;
    return () => this.release(ptr, size, id);
  }

  private release(ptr: number, size: number, id: number): void {
    if (this.owner.get(ptr) !== id) return;
    this.owner.delete(ptr);
    this.liveHandles--;
    this.liveBytes -= size;
    this.alloc.release(ptr, size);
  }

  /** A new output tensor of `shape`; its contents are undefined until the kernel writes them. */
  output(shape: Shape, dtype: DType = 'float32'): TensorInfo & { handle: WasmHandle } {
    return { handle: this.handle(sizeOf(shape)), shape: [...shape], dtype };
  }

  /** Internal scratch (not a tensor): pointer and size, give back with releaseScratch. */
  scratch(bytes: number): { ptr: number; size: number } {
    return this.alloc.alloc(bytes);
  }

  releaseScratch(s: { ptr: number; size: number }): void {
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
