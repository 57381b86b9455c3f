/** Making tensors from values. */
import { engine } from '../backend/engine.js';
import type { DataArray, DType } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import { sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

type NestedNumbers = number | NestedNumbers[];

function inferShape(values: NestedNumbers): number[] {
  const shape: number[] = [];
  let v: NestedNumbers = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0] as NestedNumbers;
  }
  return shape;
}

/**
 * A tensor from a typed array, a flat array with a shape, or nested arrays (shape inferred).
 * Example: `tensor([[1, 2], [3, 4]])` has shape [2, 2].
 */
export function tensor(values: DataArray | NestedNumbers, shape?: Shape, dtype?: DType): Tensor {
  const s = shape ?? (ArrayBuffer.isView(values) ? [values.length] : inferShape(values));
  const dt: DType = dtype ?? (values instanceof Int32Array ? 'int32' : 'float32');
  let data: DataArray;
  if (ArrayBuffer.isView(values)) {
    data = values.constructor === (dt === 'int32' ? Int32Array : Float32Array) ? values : toTyped(Array.from(values), dt);
  } else {
    const flat: number[] = [];
    const collect = (v: NestedNumbers): void => {
      if (Array.isArray(v)) v.forEach(collect);
      else flat.push(v);
    };
    collect(values);
    data = toTyped(flat, dt);
  }
  return engine.makeTensor(data, s, dt);
}

function toTyped(values: number[], dtype: DType): DataArray {
  return dtype === 'int32' ? Int32Array.from(values, (v) => Math.trunc(v)) : Float32Array.from(values);
}

export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return tensor(dtype === 'int32' ? Int32Array.of(value) : Float32Array.of(value), [], dtype);
}

export function fill(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
  const data = dtype === 'int32' ? new Int32Array(sizeOf(shape)) : new Float32Array(sizeOf(shape));
  if (value !== 0) data.fill(value);
  return engine.makeTensor(data, shape, dtype);
}

export function zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
  return fill(shape, 0, dtype);
}

export function ones(shape: Shape, dtype: DType = 'float32'): Tensor {
  return fill(shape, 1, dtype);
}

export function zerosLike(t: Tensor): Tensor {
  return fill(t.shape, 0, t.dtype);
}

export function onesLike(t: Tensor): Tensor {
  return fill(t.shape, 1, t.dtype);
}
