/**
 * Reference-backend storage: a handle is a plain typed array. Kernels use `dataOf` to read inputs
 * and `output` to wrap results, which keeps the memory counter exact.
 */
import type { DataArray, DType } from '../../tensor/dtype.js';
import { arrayFor } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';
import { sizeOf } from '../../tensor/shape.js';
import type { BackendMemory } from '../backend.js';
import type { DataHandle, TensorInfo } from '../kernels.js';

class RefHandle implements DataHandle {
  declare readonly __backendHandle: true;
  constructor(
    public data: DataArray | null,
    /** A subarray of another handle's array (`subviewOf`): not counted by memory(). */
    readonly borrowed = false,
  ) {}
}

const live: BackendMemory = { handles: 0, bytes: 0 };

export function wrapArray(data: DataArray): DataHandle {
  live.handles++;
  live.bytes += data.byteLength;
  return new RefHandle(data);
}

export function arrayOfHandle(handle: DataHandle): DataArray {
  const data = (handle as RefHandle).data;
  if (data === null) throw new Error('ref backend: storage used after it was freed');
  return data;
}

/** A handle to `size` elements of `handle`'s array from element `offset`, sharing it (Backend.subview). */
export function subviewOf(handle: DataHandle, offset: number, size: number): DataHandle {
  const data = arrayOfHandle(handle);
  if (offset < 0 || offset + size > data.length) throw new Error(`ref backend: a view of ${size} elements at ${offset} exceeds ${data.length}`);
  return new RefHandle(data.subarray(offset, offset + size), true);
}

export function freeHandle(handle: DataHandle): void {
  const h = handle as RefHandle;
  if (h.data === null) return;
  if (h.borrowed) {
    h.data = null;
    return;
  }
  live.handles--;
  live.bytes -= h.data.byteLength;
  h.data = null;
}

/** Accounting for a handle collected by the garbage collector (its array goes with it). */
export function reclaimerOf(handle: DataHandle): () => void {
  if ((handle as RefHandle).borrowed) return () => {};
  const bytes = arrayOfHandle(handle).byteLength;
  return () => {
    live.handles--;
    live.bytes -= bytes;
  };
}

export function refMemory(): BackendMemory {
  return { ...live };
}

/** The typed array behind a kernel input. */
export function dataOf(t: TensorInfo): DataArray {
  return arrayOfHandle(t.handle);
}

/** Float32 view of a kernel input (int32 inputs are converted). */
export function f32Of(t: TensorInfo): Float32Array {
  const d = dataOf(t);
  return d instanceof Float32Array ? d : Float32Array.from(d);
}

/** Wraps a freshly computed array as a kernel output. */
export function output(shape: Shape, dtype: DType, data?: DataArray): TensorInfo {
  const values = data ?? arrayFor(dtype, sizeOf(shape));
  if (values.length !== sizeOf(shape)) {
    throw new Error(`ref backend: output of ${values.length} values does not fit shape [${shape.join(', ')}]`);
  }
  return { handle: wrapArray(values), shape: [...shape], dtype };
}
