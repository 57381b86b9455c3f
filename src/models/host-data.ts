/**
 * Training data on the JS side. `fit`, `evaluate` and `predict` read each input tensor once
 * (`dataSync`) and copy the rows of every batch into a fresh typed array, so a shuffled batch costs
 * one copy and no gather kernel, and nothing but the batch lives on the backend during a step.
 */
import { tensor } from '../ops/create.js';
import type { DataArray, DType } from '../tensor/dtype.js';
import { shapeToString, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

export interface HostData {
  readonly values: DataArray;
  /** The shape of one sample (no batch axis). */
  readonly sampleShape: readonly number[];
  readonly dtype: DType;
  /** Number of samples. */
  readonly count: number;
}

/** Reads `t` once; `what` names it in errors ('x', 'y'). */
export function toHost(t: Tensor, what: string, op: string): HostData {
  if (t.rank < 1) throw new Error(`${op}: ${what} must have a batch axis, got shape ${shapeToString(t.shape)}`);
  return { values: t.dataSync(), sampleShape: t.shape.slice(1), dtype: t.dtype, count: t.shape[0] };
}

/** Samples [start, end) as a view (no copy): validation splits. */
export function sliceSamples(h: HostData, start: number, end: number): HostData {
  const row = sizeOf(h.sampleShape);
  return { ...h, values: h.values.subarray(start * row, end * row), count: end - start };
}

/**
 * A tensor of the samples `order[start..end)` (or start..end in order when `order` is null).
 * Call inside the step's scope, so the batch is released with the step.
 */
export function gatherBatch(h: HostData, order: Int32Array | null, start: number, end: number): Tensor {
  const row = sizeOf(h.sampleShape);
  const n = end - start;
  if (order === null) return tensor(h.values.slice(start * row, end * row), [n, ...h.sampleShape], h.dtype);
  const out = h.dtype === 'int32' ? new Int32Array(n * row) : new Float32Array(n * row);
  for (let i = 0; i < n; i++) {
    const src = order[start + i] * row;
    out.set(h.values.subarray(src, src + row), i * row);
  }
  return tensor(out, [n, ...h.sampleShape], h.dtype);
}

/** Throws when inputs and targets disagree on the number of samples. */
export function assertSameCount(x: HostData | Tensor, y: HostData | Tensor, op: string): void {
  const nx = 'count' in x ? x.count : x.shape[0];
  const ny = 'count' in y ? y.count : y.shape[0];
  if (nx !== ny) {
    throw new Error(`${op}: x has ${nx} samples but y has ${ny} labels; they must have the same length along the first axis`);
  }
}
