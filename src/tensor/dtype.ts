/** Element types a tensor can hold. float32 for values, int32 for labels and indices. */
export type DType = 'float32' | 'int32';

/** The typed array that stores each dtype. */
export type DataArray = Float32Array | Int32Array;

export function arrayFor(dtype: DType, size: number): DataArray {
  return dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
}

export function bytesPerElement(_dtype: DType): number {
  return 4;
}
