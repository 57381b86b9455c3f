/**
 * DataLoader: mini-batches of (input, target) tensors for a PyTorch-style training loop,
 *
 *   for await (const [data, target] of new DataLoader(images, labels, { batchSize: 64, shuffle: true })) { ... }
 *
 * Between batches it yields to the event loop. That is what lets a plain user loop run in flat
 * memory: tensors a step no longer uses are reclaimed by the garbage collector's finalizers,
 * which only run when the event loop gets a turn.
 */
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

export class DataLoader {
  readonly batchSize: number;
  readonly #rng: Random;
  readonly #tensors: { data: ArrayLike<number>; shape: readonly number[]; dtype: Tensor['dtype']; per: number }[];
  readonly #count: number;

  constructor(input: Tensor, target: Tensor, readonly options: DataLoaderOptions = {}) {
    this.batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new Error(`DataLoader: batchSize must be a positive integer, got ${this.batchSize}`);
    if (input.shape[0] !== target.shape[0]) {
      throw new Error(`DataLoader: input ${shapeToString(input.shape)} and target ${shapeToString(target.shape)} must have the same number of samples`);
    }
    this.#count = input.shape[0];
    this.#rng = new Random(options.seed);
    this.#tensors = [input, target].map((t) => ({ data: t.dataSync(), shape: t.shape, dtype: t.dtype, per: t.size / (t.shape[0] || 1) }));
  }

  /** Number of batches per pass. */
  get length(): number {
    return this.options.dropLast ? Math.floor(this.#count / this.batchSize) : Math.ceil(this.#count / this.batchSize);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<[Tensor, Tensor]> {
    const order = this.options.shuffle ? this.#rng.permutation(this.#count) : Int32Array.from({ length: this.#count }, (_, i) => i);
    for (let b = 0; b < this.length; b++) {
      const idx = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, this.#count));
      const [x, y] = this.#tensors.map((t) => gather(t, idx));
      yield [x, y];
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
