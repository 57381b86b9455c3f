/**
 * Where `fit` gets its batches each epoch: from in-memory tensors (shuffled, cut into batchSize
 * pieces) or from a user's iterator / async iterator / generator of `{ xs, ys, sampleWeight? }`.
 *
 * An iterable that makes a fresh iterator on each call (an array, a dataset object) restarts every
 * epoch; a generator object continues where the previous epoch stopped, so with `stepsPerEpoch`
 * one endless generator feeds every epoch, as in Keras.
 */
import type { Random } from '../tensor/random.js';
import { isTypedNumbers, kindOf } from './array-data.js';
import type { Tensor } from '../tensor/tensor.js';
import { asList, batchOf, type DataSet, sampleWeightValues, type TensorArg } from './data-set.js';
import type { Batch } from './steps.js';

/** One element of a data iterator. */
export interface DataBatch {
  xs: TensorArg;
  ys: TensorArg;
  sampleWeight?: Tensor;
}

export type BatchIterable = AsyncIterable<DataBatch> | Iterable<DataBatch>;

export interface SourceBatch {
  make: () => Batch;
  size: number;
  /** Gives back the batch's tensors once the step is done, where the source hands them over (a Dataset that says so). */
  release?: () => void;
}

/** A pull-based stream of batches for one epoch; `next` resolves to null when the epoch is over. */
export interface EpochBatches {
  next(): Promise<SourceBatch | null>;
}

export interface Names {
  inputs: readonly string[];
  outputs: readonly string[];
}

/**
 * An iterable of batches, as opposed to data: a tensor, a list of input tensors, nested arrays or
 * a typed array (both iterable too). An array is batches when its first element is `{ xs, ... }`.
 */
export function isBatchIterable(v: unknown): v is BatchIterable {
  if (typeof v !== 'object' || v === null || 'shape' in v || isTypedNumbers(v)) return false;
  if (Array.isArray(v)) return v.length > 0 && typeof v[0] === 'object' && v[0] !== null && !Array.isArray(v[0]) && !isTypedNumbers(v[0]) && !('shape' in v[0]);
  return Symbol.asyncIterator in v || Symbol.iterator in v;
}

/** Batches of an in-memory data set, in `order` (a permutation) or in sample order. */
export function arrayEpoch(data: DataSet, batchSize: number, order: Int32Array | null): EpochBatches {
  let start = 0;
  return {
    next: async () => {
      if (start >= data.count) return null;
      const [s, e] = [start, Math.min(start + batchSize, data.count)];
      start = e;
      return { make: () => batchOf(data, order, s, e), size: e - s };
    },
  };
}

export function shuffledOrder(count: number, shuffle: boolean, rng: Random): Int32Array | null {
  return shuffle ? rng.permutation(count) : null;
}

type AnyIterator = AsyncIterator<DataBatch> | Iterator<DataBatch>;

/** Turns one element of the user's iterator into a step's batch. */
function toBatch(item: DataBatch, names: Names, weightsOf: ((ys: Tensor[]) => Float32Array | null) | null): SourceBatch {
  if (item === null || typeof item !== 'object' || item.xs === undefined || item.ys === undefined) {
    throw new Error(`fit: each element of the data iterator must be { xs, ys } (optionally sampleWeight), got ${kindOf(item)}`);
  }
  const xs = asList(item.xs, names.inputs, 'input', 'fit');
  const ys = asList(item.ys, names.outputs, 'output', 'fit');
  const size = xs[0].shape[0];
  let weights = item.sampleWeight === undefined ? null : sampleWeightValues(item.sampleWeight, 'fit');
  const cw = weightsOf?.(ys) ?? null;
  if (cw !== null) weights = weights === null ? cw : weights.map((w, i) => w * cw[i]);
  return { make: () => ({ xs, ys, weights }), size };
}

/** Epochs over a user's iterable; `steps` caps each epoch (null: until the iterator ends). */
export function iteratorEpochs(data: BatchIterable, names: Names, steps: number | null, weightsOf: ((ys: Tensor[]) => Float32Array | null) | null): () => EpochBatches {
  let current: AnyIterator | null = null;
  return () => {
    // Ask the iterable for an iterator each epoch: reiterables restart, generators continue.
    current = Symbol.asyncIterator in data ? (data as AsyncIterable<DataBatch>)[Symbol.asyncIterator]() : (data as Iterable<DataBatch>)[Symbol.iterator]();
    const it = current;
    let taken = 0;
    return {
      next: async () => {
        if (steps !== null && taken >= steps) return null;
        const r = await it.next();
        if (r.done) return null;
        taken++;
        return toBatch(r.value, names, weightsOf);
      },
    };
  };
}
