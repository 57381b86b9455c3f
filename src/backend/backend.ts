/**
 * What a backend is: storage it owns (handles) and a complete kernel table. The engine never looks
 * inside a handle; it moves data in and out only through `write`/`writeWith`/`read`, so a backend
 * may keep its tensors in its own memory (a WebAssembly heap) with no copy per op.
 */
import type { DataArray, DType } from '../tensor/dtype.js';
import type { DataHandle, KernelTable } from './kernels.js';

export interface BackendMemory {
  /** Live storage handles. */
  handles: number;
  /** Bytes held by live handles. */
  bytes: number;
}

export interface Backend {
  readonly name: string;
  readonly kernels: KernelTable;
  /** Worker threads kernels may use (1 when single-threaded). */
  readonly threads: number;
  /** New storage holding a copy of `values`. */
  write(values: DataArray, dtype: DType): DataHandle;
  /**
   * New storage of `size` elements that `fill` writes in place, through a writable view of the
   * storage itself (Float32Array or Int32Array by dtype; contents undefined until filled). The view
   * is valid only during the call, and `fill` must not allocate on this backend. If `fill` throws,
   * the storage is released and the error passes through.
   */
  writeWith(size: number, dtype: DType, fill: (view: DataArray) => void): DataHandle;
  /**
   * The values behind a handle. May be a view into backend memory: callers that keep it or hand it
   * to users must copy it.
   */
  read(handle: DataHandle, dtype: DType, size: number): DataArray;
  /**
   * Optional: a handle to the `size` elements of `handle`'s storage that start at element
   * `offset`, sharing it (no copy): a contiguous slice (ops/slice-view.ts). Freeing it gives no
   * memory back and `memory()` does not count it; the caller keeps the source storage alive while
   * it lives (tensor.ts `Storage.source`). Without it, slices copy.
   */
  subview?(handle: DataHandle, offset: number, size: number): DataHandle;
  /** Releases storage; the handle is never used again. */
  free(handle: DataHandle): void;
  /**
   * What to run if the handle's storage becomes unreachable without being freed. It must not
   * reference the handle's data (only, say, a pointer and a size), or the data could never be
   * collected.
   */
  reclaimer(handle: DataHandle): () => void;
  memory(): BackendMemory;
}
