/**
 * The elements a Dataset carries and how `batch`, `unbatch` and `fromTensors` reshape them.
 *
 * An element is a tree: a leaf (a tensor, a number, or plain numeric data such as nested arrays
 * or a typed array) or a tuple / record of elements, as tf.data's nested structures. `batch`
 * stacks every leaf along a new first axis, `unbatch` and `fromTensors` cut along the first axis.
 * Errors name the path of the leaf in the element (`[0]`, `.y`) and the shapes, never the values.
 */
import { tensor } from '../ops/create.js';
import type { DataArray, DType } from '../tensor/dtype.js';
import { shapeToString, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { type ArrayData, isArrayData, isTypedNumbers, kindOf, tensorFromArrayData } from '../models/array-data.js';

/** A leaf of an element: what `batch` stacks. */
export type Leaf = Tensor | number | ArrayData;
/** A dataset element: a leaf, or a tuple or record of elements. */
export type Element = Leaf | readonly Element[] | { readonly [key: string]: Element };

/** An element after `batch`: every leaf is a tensor with a batch axis. */
export type Batched<T> = T extends Tensor | number | ArrayData ? Tensor
  : T extends readonly unknown[] ? { [K in keyof T]: Batched<T[K]> }
  : { [K in keyof T]: Batched<T[K]> };

/** An element after `unbatch`: every leaf is one sample, a tensor without the batch axis. */
export type Unbatched<T> = T extends Tensor | ArrayData ? Tensor
  : T extends readonly unknown[] ? { [K in keyof T]: Unbatched<T[K]> }
  : { [K in keyof T]: Unbatched<T[K]> };

export function isTensor(v: unknown): v is Tensor {
  return v instanceof Tensor;
}

function isLeaf(v: unknown): v is Leaf {
  return isTensor(v) || typeof v === 'number' || isTypedNumbers(v) || (Array.isArray(v) && (v.length === 0 || typeof v[0] === 'number' || isArrayData(v[0])));
}

function isRecord(v: unknown): v is Record<string, Element> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isTypedNumbers(v) && !isTensor(v);
}

/** Walks the structure of `first`, calling `leaf(path, pick)` where `pick` selects the same leaf in any element. */
function mapStructure(first: unknown, path: string, leaf: (path: string, pick: (e: unknown) => unknown) => unknown, pick: (e: unknown) => unknown = (e) => e): unknown {
  if (isLeaf(first)) return leaf(path, pick);
  if (Array.isArray(first)) return first.map((v, i) => mapStructure(v, `${path}[${i}]`, leaf, (e) => (pick(e) as unknown[] | undefined)?.[i]));
  if (isRecord(first)) {
    return Object.fromEntries(Object.keys(first).map((k) => [k, mapStructure(first[k], `${path}.${k}`, leaf, (e) => (pick(e) as Record<string, unknown> | undefined)?.[k])]));
  }
  throw new Error(`Dataset: element${path} is ${kindOf(first)}; elements hold tensors, numbers, numeric arrays, or tuples / records of them`);
}

/** A leaf as a tensor: numbers become float32 scalars, plain data is converted once. */
export function leafTensor(v: unknown, where: string): Tensor {
  if (isTensor(v)) return v;
  if (typeof v === 'number') return tensor(new Float32Array([v]), []);
  if (isArrayData(v)) return tensorFromArrayData(v, `element${where}`, 'Dataset');
  throw new Error(`Dataset: element${where} is ${kindOf(v)}, expected a tensor, a number or numeric arrays`);
}

/** The values of a tensor as a host copy. */
function valuesOf(t: Tensor): DataArray {
  return t.dataSync();
}

function emptyOf(dtype: DType, n: number): DataArray {
  return dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
}

/** Stacks the same leaf of every element into one tensor [n, ...shape]; all must agree on shape and dtype. */
function stackLeaf(elements: readonly unknown[], path: string, pick: (e: unknown) => unknown): Tensor {
  const leaves = elements.map((e, i) => {
    const v = pick(e);
    if (v === undefined) throw new Error(`Dataset.batch: element ${i} has no${path || ' value'} where element 0 has one; elements must share one structure`);
    return leafTensor(v, path);
  });
  const { shape, dtype } = leaves[0];
  const row = sizeOf(shape);
  const out = emptyOf(dtype, row * leaves.length);
  leaves.forEach((t, i) => {
    if (t.dtype !== dtype || t.shape.length !== shape.length || t.shape.some((d, k) => d !== shape[k])) {
      throw new Error(`Dataset.batch: element ${i}${path} has shape ${shapeToString(t.shape)} ${t.dtype}, element 0${path} ${shapeToString(shape)} ${dtype}; ` +
        'elements of a batch must have one shape (resize them in map first)');
    }
    out.set(valuesOf(t), i * row);
  });
  return tensor(out, [leaves.length, ...shape], dtype);
}

/** One batch from elements that share a structure. */
export function stackElements<T>(elements: readonly T[]): Batched<T> {
  return mapStructure(elements[0], '', (path, pick) => stackLeaf(elements, path, pick)) as Batched<T>;
}

/** A tensor with a batch axis, cut into its samples without copying the whole tensor per sample. */
export class SampleSlicer {
  private readonly row: number;
  readonly count: number;

  constructor(private readonly source: Tensor, where: string) {
    if (source.rank < 1) throw new Error(`Dataset: ${where} is a scalar; slicing along axis 0 needs a tensor of rank >= 1`);
    this.count = source.shape[0];
    this.row = sizeOf(source.shape.slice(1));
  }

  sample(i: number): Tensor {
    const s = this.source;
    // A fresh view of the backend's memory, read at once: making the new tensor may move it.
    const all = s.backend.read(s.handle, s.dtype, s.size);
    return tensor(all.slice(i * this.row, (i + 1) * this.row), s.shape.slice(1), s.dtype);
  }
}

/** The structure of `data` with a slicer at every leaf, and the shared sample count. */
export function slicersOf(data: unknown, op: string): { tree: unknown; count: number } {
  let count: number | null = null;
  let firstPath = '';
  const tree = mapStructure(data, '', (path, pick) => {
    const slicer = new SampleSlicer(leafTensor(pick(data), path), `${op}: data${path}`);
    if (count === null) [count, firstPath] = [slicer.count, path];
    else if (slicer.count !== count) {
      throw new Error(`${op}: data${path} has ${slicer.count} samples along axis 0 but data${firstPath} has ${count}; every part must have the same length`);
    }
    return slicer;
  });
  return { tree, count: count ?? 0 };
}

/** Element `i` of a tree of slicers. */
export function sliceTree(tree: unknown, i: number): unknown {
  if (tree instanceof SampleSlicer) return tree.sample(i);
  if (Array.isArray(tree)) return tree.map((t) => sliceTree(t, i));
  return Object.fromEntries(Object.entries(tree as Record<string, unknown>).map(([k, t]) => [k, sliceTree(t, i)]));
}

/** `unbatch`: the samples of one batched element, each with every leaf cut along axis 0. */
export function unstackElement(element: unknown): unknown[] {
  const { tree, count } = slicersOf(element, 'Dataset.unbatch');
  return Array.from({ length: count }, (_, i) => sliceTree(tree, i));
}
