/**
 * A PyTorch storage's bytes as Fovea values, and a strided view of them gathered into a dense
 * row-major array. float16 and bfloat16 widen exactly to float32; integer types become int32
 * (int64 range-checked); float64 is refused rather than rounded, as the safetensors reader does.
 */
import { decodeBfloat16, decodeFloat16 } from '../float16.js';
import { ModelFormatError } from '../model-format-error.js';
import { STORAGE_TYPES, type StorageClass, type TensorRef } from './torch-globals.js';

export type StorageValues = Float32Array | Int32Array;

/** Swaps each item's bytes in place (big-endian file on a little-endian host). */
function swapBytes(bytes: Uint8Array, itemBytes: number): void {
  for (let at = 0; at < bytes.length; at += itemBytes) bytes.subarray(at, at + itemBytes).reverse();
}

function narrowInt64(values: BigInt64Array, where: string, file: string): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v > 2147483647n || v < -2147483648n) throw new ModelFormatError(file, `${where}: int64 value ${v} at index ${i} does not fit in int32`);
    out[i] = Number(v);
  }
  return out;
}

/** Decodes a storage member (a private copy of its bytes is made first). */
export function decodeStorage(member: Uint8Array, storageClass: StorageClass, bigEndian: boolean, where: string, file: string): StorageValues {
  const { itemBytes } = STORAGE_TYPES[storageClass];
  const own = new Uint8Array(member);
  if (bigEndian && itemBytes > 1) swapBytes(own, itemBytes);
  const buffer = own.buffer;
  switch (storageClass) {
    case 'FloatStorage': return new Float32Array(buffer);
    case 'HalfStorage': return decodeFloat16(new Uint16Array(buffer));
    case 'BFloat16Storage': return decodeBfloat16(new Uint16Array(buffer));
    case 'LongStorage': return narrowInt64(new BigInt64Array(buffer), where, file);
    case 'IntStorage': return new Int32Array(buffer);
    case 'ShortStorage': return Int32Array.from(new Int16Array(buffer));
    case 'CharStorage': return Int32Array.from(new Int8Array(buffer));
    case 'ByteStorage': case 'BoolStorage': return Int32Array.from(own);
    case 'DoubleStorage':
      throw new ModelFormatError(file, `${where} is float64, which Fovea would have to round to float32; save it with .float() first`);
  }
}

/** Element count of a size, and the largest storage index the view reaches (-1 when empty). */
export function viewExtent(ref: TensorRef): { numel: number; lastIndex: number } {
  let numel = 1;
  let lastIndex = ref.offset;
  ref.size.forEach((n, d) => {
    numel *= n;
    lastIndex += (n - 1) * ref.stride[d];
  });
  return { numel, lastIndex: numel === 0 ? -1 : lastIndex };
}

function isContiguous(size: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let d = size.length - 1; d >= 0; d--) {
    if (size[d] !== 1 && stride[d] !== expected) return false;
    expected *= size[d];
  }
  return true;
}

/** The view's elements in row-major order (the caller has checked its extent against the storage). */
export function gatherView(storage: StorageValues, ref: TensorRef, numel: number): StorageValues {
  const { size, stride, offset } = ref;
  if (isContiguous(size, stride)) return storage.slice(offset, offset + numel);
  const out = new (storage.constructor as Float32ArrayConstructor | Int32ArrayConstructor)(numel);
  const index = new Array<number>(size.length).fill(0);
  let at = offset;
  for (let i = 0; i < numel; i++) {
    out[i] = storage[at];
    // Odometer over the indices, last dimension fastest, moving `at` by the strides.
    for (let d = size.length - 1; d >= 0; d--) {
      if (++index[d] < size[d]) {
        at += stride[d];
        break;
      }
      at -= (size[d] - 1) * stride[d];
      index[d] = 0;
    }
  }
  return out;
}
