/**
 * The values `setWeights` accepts for one weight, turned into a tensor of the weight's shape and
 * dtype: a tensor or nested arrays of that shape, or a flat typed array of its size (row-major,
 * since typed arrays carry no shape). Anything else is an error naming the layer and the weight.
 */
import { tensor } from '../ops/create.js';
import type { DataArray } from '../tensor/dtype.js';
import { shapesEqual, shapeToString, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';

type Nested = number | Nested[];
export type WeightValue = Tensor | DataArray | Nested[];

/** The shape of nested arrays, or null when they are ragged. */
function nestedShape(v: Nested): number[] | null {
  if (!Array.isArray(v)) return [];
  const inner = v.length === 0 ? [] : nestedShape(v[0]);
  if (inner === null) return null;
  for (const item of v) {
    const s = nestedShape(item);
    if (s === null || !shapesEqual(s, inner)) return null;
  }
  return [v.length, ...inner];
}

/** `value` as a fresh tensor for `weight`, or an error `where`: weight "<name>" has shape ..., got ... */
export function weightTensor(where: string, weight: Variable, value: WeightValue): Tensor {
  const mismatch = (got: string) => new Error(`${where}: setWeights: weight "${weight.name}" has shape ${shapeToString(weight.shape)}, got ${got}`);
  if (value instanceof Tensor) {
    if (!shapesEqual(value.shape, weight.shape)) throw mismatch(`a tensor of shape ${shapeToString(value.shape)}`);
    return tensor(value.dataSync(), weight.shape, weight.dtype);
  }
  if (ArrayBuffer.isView(value)) {
    if (value.length !== sizeOf(weight.shape)) throw mismatch(`a ${value.constructor.name} of ${value.length} values (expected ${sizeOf(weight.shape)})`);
    return tensor(value, weight.shape, weight.dtype);
  }
  const shape = nestedShape(value);
  if (shape === null) throw mismatch('ragged nested arrays');
  if (!shapesEqual(shape, weight.shape)) throw mismatch(`arrays of shape ${shapeToString(shape)}`);
  return tensor(value, weight.shape, weight.dtype);
}
