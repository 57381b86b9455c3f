/**
 * DataLoader: mini-batches of (input, target) tensors for a PyTorch-style training loop,
 *
 *   for await (const [data, target] of new DataLoader(images, labels, { batchSize: 64, shuffle: true })) { ... }
 *
 * or over a Dataset of samples (the `ImageFolder` habit), whose elements it stacks into batches:
 *
 *   for await (const [data, target] of new DataLoader(imageDatasetFromDirectory(dir, { batchSize: null }), { batchSize: 64, shuffle: true })) { ... }
 *
 * Between batches it yields to the event loop. That is what lets a plain user loop run in flat
 * memory: tensors a step no longer uses are reclaimed by the garbage collector's finalizers,
 * which only run when the event loop gets a turn.
 */
import { Dataset } from '../data/dataset.js';
import type { Batched } from '../data/dataset-elements.js';
import { tensor } from '../ops/create.js';
import { Random } from '../tensor/random.js';
import { shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

export interface DataLoaderOptions {
  batchSize?: number;
  /** Reshuffle the samples at the start of every pass. */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than batchSize. */
  dropLast?: boolean;
  /** Seed for the shuffling order. */
  seed?: number;
}

const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class DataLoader<T = [Tensor, Tensor]> {
  readonly batchSize: number;
  readonly options: DataLoaderOptions;
  readonly #rng: Random;
  readonly #tensors: { data: ArrayLike<number>; shape: readonly number[]; dtype: Tensor['dtype']; per: number }[];
  readonly #count: number;
  readonly #dataset: Dataset<unknown> | null;

  constructor(input: Tensor, target: Tensor, options?: DataLoaderOptions);
  constructor(dataset: Dataset<unknown>, options?: DataLoaderOptions);
  constructor(a: Tensor | Dataset<unknown>, b?: Tensor | DataLoaderOptions, c: DataLoaderOptions = {}) {
    const options = (a instanceof Dataset ? b ?? {} : c) as DataLoaderOptions;
    this.options = options;
    this.batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new Error(`DataLoader: batchSize must be a positive integer, got ${this.batchSize}`);
    this.#rng = new Random(options.seed);
    if (a instanceof Dataset) {
      if (options.shuffle && a.cardinality() < 0) {
        throw new Error('DataLoader: shuffle needs a Dataset of known length (from fromTensors or a folder), this one has unknown or infinite length; shuffle it with dataset.shuffle(bufferSize) instead');
      }
      this.#dataset = a;
      this.#count = a.cardinality();
      this.#tensors = [];
      return;
    }
    this.#dataset = null;
    const input = a;
    const target = b as Tensor;
    if (input.shape[0] !== target.shape[0]) {
      throw new Error(`DataLoader: input ${shapeToString(input.shape)} and target ${shapeToString(target.shape)} must have the same number of samples`);
    }
    this.#count = input.shape[0];
    this.#tensors = [input, target].map((t) => ({ data: t.dataSync(), shape: t.shape, dtype: t.dtype, per: t.size / (t.shape[0] || 1) }));
  }

  /** Number of batches per pass (NaN for a Dataset of unknown length). */
  get length(): number {
    if (this.#count < 0) return NaN;
    return this.options.dropLast ? Math.floor(this.#count / this.batchSize) : Math.ceil(this.#count / this.batchSize);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    if (this.#dataset !== null) {
      yield* this.#datasetBatches(this.#dataset) as AsyncGenerator<T>;
      return;
    }
    const order = this.options.shuffle ? this.#rng.permutation(this.#count) : Int32Array.from({ length: this.#count }, (_, i) => i);
    for (let b = 0; b < this.length; b++) {
      const idx = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, this.#count));
      const [x, y] = this.#tensors.map((t) => gather(t, idx));
      yield [x, y] as T;
      await nextTurn();
    }
  }

  /** A pass over a Dataset of samples: shuffled in full when asked, stacked into batches. */
  async *#datasetBatches(data: Dataset<unknown>): AsyncGenerator<Batched<unknown>> {
    const ordered = this.options.shuffle ? data.shuffle(Math.max(1, this.#count), { seed: this.#rng.nextUint32() }) : data;
    for await (const batch of ordered.batch(this.batchSize, { dropRemainder: this.options.dropLast ?? false })) {
      yield batch;
      await nextTurn();
    }
  }
}

function gather(t: { data: ArrayLike<number>; shape: readonly number[]; dtype: Tensor['dtype']; per: number }, idx: Int32Array): Tensor {
  const out = t.dtype === 'int32' ? new Int32Array(idx.length * t.per) : new Float32Array(idx.length * t.per);
  idx.forEach((src, k) => {
    for (let j = 0; j < t.per; j++) out[k * t.per + j] = t.data[src * t.per + j];
  });
  return tensor(out, [idx.length, ...t.shape.slice(1)], t.dtype);
}
