/**
 * Training data as the loops see it. `fit`, `evaluate` and `predict` keep each input tensor where
 * it already lives (on its backend) and copy the rows of every batch into a fresh typed array, so
 * a shuffled batch costs one copy and no gather kernel, nothing but the batch is added to the
 * backend during a step, and the data set is never duplicated on the JS heap (60,000 MNIST
 * images are 188 MB as float32: a second copy was what set the peak memory of training).
 */
import { engine } from '../backend/engine.js';
import type { DataArray, DType } from '../tensor/dtype.js';
import { shapeToString, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/variable.js';

export interface HostData {
  /**
   * The samples' values, row-major: a fresh view into the backend's memory on every access (or the
   * reference backend's own array). Read it right away: a view must not be kept across anything
   * that may allocate backend memory (a kernel, a new tensor), which can move or grow it.
   */
  readonly values: DataArray;
  /** The shape of one sample (no batch axis). */
  readonly sampleShape: readonly number[];
  readonly dtype: DType;
  /** Number of samples. */
  readonly count: number;
}

/** Samples [first, first + count) of `source` (which this object keeps alive). */
class TensorSamples implements HostData {
  readonly sampleShape: readonly number[];
  readonly dtype: DType;
  private readonly row: number;

  constructor(private readonly source: Tensor, private readonly first: number, readonly count: number) {
    this.sampleShape = source.shape.slice(1);
    this.dtype = source.dtype;
    this.row = sizeOf(this.sampleShape);
  }

  get values(): DataArray {
    const s = this.source;
    const all = s.backend.read(s.handle, s.dtype, s.size);
    return all.subarray(this.first * this.row, (this.first + this.count) * this.row);
  }

  /**
   * Samples [start, end) as a view of the source, or null where a copy is needed. Rows [start, end)
   * of a plain tensor on the active backend (predict(x) batch by batch, an unshuffled fit) are one
   * contiguous range of its storage: tensors are immutable, so the batch shares that range, as
   * `slice` does (ops/slice-view.ts). Not a Variable (assign gives it new values), a handed-back
   * map (its storage may go and come back) or a lazily transposed tensor (its storage is in
   * another order).
   */
  viewOf(start: number, end: number): Tensor | null {
    const s = this.source;
    if (s instanceof Variable || s.handsBack || s.storedOrder !== null || s.backend !== engine.backend) return null;
    const first = this.first + start;
    if (first === 0 && end - start === s.shape[0]) return engine.makeView(s, s.shape);
    return engine.rangeView(s, first * this.row, [end - start, ...this.sampleShape]);
  }

  slice(start: number, end: number): TensorSamples {
    return new TensorSamples(this.source, this.first + start, end - start);
  }
}

/**
 * `t` as training data, without copying it. `what` names it in errors ('x', 'y'). The tensor is
 * referenced, not copied: tensors are immutable, so the batches see the values of the call.
 */
export function toHost(t: Tensor, what: string, op: string): HostData {
  if (t.rank < 1) throw new Error(`${op}: ${what} must have a batch axis, got shape ${shapeToString(t.shape)}`);
  return new TensorSamples(t, 0, t.shape[0]);
}

/** Samples [start, end) (no copy): validation splits. */
export function sliceSamples(h: HostData, start: number, end: number): HostData {
  if (h instanceof TensorSamples) return h.slice(start, end);
  const row = sizeOf(h.sampleShape);
  return { ...h, values: h.values.subarray(start * row, end * row), count: end - start };
}

/**
 * A tensor of the samples `order[start..end)` (or start..end in order when `order` is null).
 * Call inside the step's scope, so the batch is released with the step. The rows are copied
 * straight from a fresh view of the source into the batch's backend storage (makeTensorWith), so
 * a batch allocates no JS array: a 256-image 32x32x3 batch spent ~2 ms of a ~45 ms prediction in
 * a fresh 3 MB typed array and its second copy.
 */
export function gatherBatch(h: HostData, order: Int32Array | null, start: number, end: number): Tensor {
  const view = order === null && h instanceof TensorSamples ? h.viewOf(start, end) : null;
  if (view !== null) return view;
  const row = sizeOf(h.sampleShape);
  const n = end - start;
  const shape = [n, ...h.sampleShape];
  // Read once first: a source not yet computed computes now, since the fill must not allocate.
  void h.values;
  return engine.makeTensorWith(shape, h.dtype, (out: DataArray) => {
    // A view taken after the batch was allocated (the allocation may have grown the heap).
    copyRowsInto(out, h.values, order, start, n, row);
  });
}

/** Rows order[start + i] (or start + i) of `values`, i < n, `row` values each, into `out`. */
function copyRowsInto(out: DataArray, values: DataArray, order: Int32Array | null, start: number, n: number, row: number): void {
  if (order === null) {
    out.set(values.subarray(start * row, (start + n) * row));
    return;
  }
  for (let i = 0; i < n; i++) {
    const src = order[start + i] * row;
    out.set(values.subarray(src, src + row), i * row);
  }
}

/** Throws when inputs and targets disagree on the number of samples. */
export function assertSameCount(x: HostData | Tensor, y: HostData | Tensor, op: string): void {
  const nx = 'count' in x ? x.count : x.shape[0];
  const ny = 'count' in y ? y.count : y.shape[0];
  if (nx !== ny) {
    throw new Error(`${op}: x has ${nx} samples but y has ${ny} labels; they must have the same length along the first axis`);
  }
}
