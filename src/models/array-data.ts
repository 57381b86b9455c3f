/**
 * Plain JavaScript data for fit / evaluate / predict, taken as Keras takes NumPy arrays: nested
 * arrays (`number[][]`, `number[][][][]`, rows that are typed arrays) and flat `number[]` become
 * one float32 tensor, converted once, with the shape read from the nesting. A typed array on its
 * own is one axis: enough for labels, not for images, whose sample shape it cannot tell.
 *
 * Example: `model.fit([[0, 1], [1, 0]], [1, 0])` trains on x [2, 2] and y [2].
 *
 * Errors give the name, shapes, indices and types, never the values: a message that prints a
 * data set is both useless and huge.
 */
import { tensor } from '../ops/create.js';
import type { Tensor } from '../tensor/tensor.js';

export type TypedNumbers = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint8ClampedArray | Uint16Array | Uint32Array;
/** Nested arrays of numbers; the innermost level may be typed arrays. */
export type NestedData = readonly (number | TypedNumbers | NestedData)[];
/** Data given as plain JavaScript values instead of a tensor. */
export type ArrayData = NestedData | TypedNumbers;

export function isTypedNumbers(v: unknown): v is TypedNumbers {
  return ArrayBuffer.isView(v) && !(v instanceof DataView) && typeof (v as { length?: unknown }).length === 'number';
}

export function isArrayData(v: unknown): v is ArrayData {
  return Array.isArray(v) || isTypedNumbers(v);
}

/** A short description of any value, for messages: its type and size, never its contents. */
export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (isTypedNumbers(v)) return `a ${v.constructor.name} of ${v.length}`;
  if (typeof v === 'object') return 'shape' in v ? 'a tensor' : `an object (${v.constructor?.name ?? 'Object'})`;
  return `a ${typeof v}`;
}

const indexPath = (label: string, at: readonly number[]): string => `${label}${at.map((i) => `[${i}]`).join('')}`;

/** The shape the nesting says, read along the first element of every level. */
function nestedShape(value: ArrayData): number[] {
  const shape: number[] = [];
  let v: unknown = value;
  while (Array.isArray(v) || isTypedNumbers(v)) {
    shape.push(v.length);
    if (isTypedNumbers(v) || v.length === 0) break;
    v = v[0];
  }
  return shape;
}

const RAGGED = 'nested arrays must be regular (not ragged)';

/** Why `v` at index `at` does not fit the shape read from the first elements. */
function mismatch(v: unknown, shape: readonly number[], at: readonly number[], label: string): Error {
  const depth = at.length;
  const here = indexPath(label, at);
  const first = indexPath(label, at.map(() => 0));
  if (depth === shape.length) return new Error(`${here} is ${kindOf(v)}, not a number; nested arrays must hold numbers only`);
  const kind = depth === shape.length - 1 ? `an array of ${shape[depth]} numbers` : `an array of ${shape[depth]} arrays`;
  if (isArrayData(v) && v.length !== shape[depth]) return new Error(`${here} has ${v.length} elements where ${first} has ${shape[depth]}; ${RAGGED}`);
  return new Error(`${here} is ${kindOf(v)} where ${first} is ${kind}; ${RAGGED}`);
}

/** Copies the values at `at` into `out` from `offset` (row-major); returns the next offset. */
function fill(v: unknown, shape: readonly number[], at: number[], out: Float32Array, offset: number, label: string): number {
  const depth = at.length;
  const fits = (Array.isArray(v) || isTypedNumbers(v)) && v.length === shape[depth] && (depth === shape.length - 1 || Array.isArray(v));
  if (!fits) throw mismatch(v, shape, at, label);
  if (isTypedNumbers(v)) {
    out.set(v, offset);
    return offset + v.length;
  }
  const list = v as readonly unknown[];
  if (depth === shape.length - 1) {
    // The innermost level: numbers, copied without a call per value (60,000 images are 47M of them).
    for (let i = 0; i < list.length; i++) {
      const n = list[i];
      if (typeof n !== 'number') throw mismatch(n, shape, [...at, i], label);
      out[offset + i] = n;
    }
    return offset + list.length;
  }
  let o = offset;
  for (let i = 0; i < list.length; i++) {
    at.push(i);
    o = fill(list[i], shape, at, out, o, label);
    at.pop();
  }
  return o;
}

/**
 * One float32 tensor from nested arrays or a typed array. `label` names the data in errors ('x',
 * 'y', 'x[1]'); the messages start with `op`.
 */
export function tensorFromArrayData(value: ArrayData, label: string, op: string): Tensor {
  const shape = nestedShape(value);
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  try {
    fill(value, shape, [], out, 0, label);
  } catch (e) {
    throw new Error(`${op}: ${(e as Error).message}`);
  }
  return tensor(out, shape, 'float32');
}
