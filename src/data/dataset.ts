/**
 * Dataset: a re-iterable, asynchronous stream of elements, in the spirit of tf.data. Every method
 * returns a new Dataset; nothing runs until the data is iterated (`for await`), and each
 * iteration is a fresh pass (a generator function is called again, a shuffle reshuffles).
 *
 *   const train = Dataset.fromTensors([images, labels]).shuffle(1000, { seed: 1 }).batch(32).prefetch(2);
 *   await model.fit(train, { epochs: 5 });
 *
 * Elements are tensors, numbers, numeric arrays, or tuples / records of them; for `fit` and
 * `evaluate` an element is `[x, y]`, `[x, y, sampleWeight]` or `{ x, y, sampleWeight? }`, batched.
 * Memory needs no care: tensors a pass made are reclaimed once unreachable, and only `cache()`
 * keeps elements.
 */
import { Random } from '../tensor/random.js';
import { type Batched, sliceTree, slicersOf, stackElements, type Unbatched, unstackElement } from './dataset-elements.js';
import { mapStream, prefetchStream, shuffleStream } from './dataset-streams.js';

/** One pass over the data. */
type Pass<T> = () => AsyncIterator<T>;

function checkCount(n: number, what: string, allowZero = true): number {
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) throw new Error(`Dataset.${what} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${n}`);
  return n;
}

export interface BatchOptions {
  /** Drop the last batch when it holds fewer than `batchSize` elements (default false). */
  dropRemainder?: boolean;
}

export interface ShuffleOptions {
  /** Seed of the order; with it every run gives the same sequence of orders. */
  seed?: number;
  /** A new order on every pass (default true), as tf.data. */
  reshuffleEachIteration?: boolean;
}

export interface MapOptions {
  /** Calls of `fn` in flight at once (default 1); useful when `fn` is asynchronous (worker threads). */
  numParallelCalls?: number;
}

export class Dataset<T> implements AsyncIterable<T> {
  /** `cardinality()` of an endless dataset (`repeat()` without a count). */
  static readonly INFINITE = -1;
  /** `cardinality()` when the number of elements is not known before iterating (generators, filters). */
  static readonly UNKNOWN = -2;

  private constructor(
    private readonly pass: Pass<T>,
    private readonly size: number,
    /**
     * Whether each element's tensors are made for the one consumer that pulls it and held by
     * nothing else (no cache, no user variable): the consumer may then release them as soon as it
     * is done (fit does, after each step) instead of leaving them to the garbage collector.
     */
    private readonly handsOver = false,
  ) {}

  /**
   * @internal This dataset, declaring that its elements are handed over (see `handsOver`). Only a
   * source that makes fresh tensors for every element (imageDatasetFromDirectory) may say so.
   */
  handingOverElements(): Dataset<T> {
    return new Dataset(this.pass, this.size, true);
  }

  /** @internal Whether the consumer owns each element's tensors (see `handsOver`). */
  get elementsHandedOver(): boolean {
    return this.handsOver;
  }

  /**
   * Elements cut along axis 0 of `data` (tf.data's `from_tensor_slices`): a tensor, numeric
   * arrays, or a tuple / record of them, all with the same length. `fromTensors([x, y])` gives
   * `[x[i], y[i]]`; `fromTensors({ x, y })` gives `{ x: x[i], y: y[i] }`.
   */
  static fromTensors<D>(data: D): Dataset<Unbatched<D>> {
    const { tree, count } = slicersOf(data, 'Dataset.fromTensors');
    return new Dataset(async function* () {
      for (let i = 0; i < count; i++) yield sliceTree(tree, i) as Unbatched<D>;
    }, count);
  }

  /** Elements from a function returning a (sync or async) iterable; called again for each pass. */
  static fromGenerator<T>(generator: () => Iterable<T> | AsyncIterable<T>): Dataset<T> {
    if (typeof generator !== 'function') {
      throw new Error(`Dataset.fromGenerator: expected a function that returns an iterable (called once per pass), got a ${typeof generator}`);
    }
    return new Dataset(async function* () {
      const source = generator();
      if (source === null || typeof source !== 'object' || !(Symbol.iterator in source || Symbol.asyncIterator in source)) {
        throw new Error('Dataset.fromGenerator: the function must return an iterable or async iterable (a generator)');
      }
      yield* source;
    }, Dataset.UNKNOWN);
  }

  /** Elements already in hand, in order (tests, small lists). */
  static fromArray<T>(elements: readonly T[]): Dataset<T> {
    const copy = [...elements];
    return new Dataset(async function* () {
      yield* copy;
    }, copy.length);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.pass();
  }

  /**
   * The same elements, declaring that a pass holds exactly `count` (tf.data's assert_cardinality):
   * `fit` then knows the steps of an epoch. A pass with another count throws.
   */
  assertCardinality(count: number): Dataset<T> {
    checkCount(count, 'assertCardinality: count');
    return this.derive(async function* (up) {
      let n = 0;
      for await (const e of up) {
        if (++n > count) throw new Error(`Dataset.assertCardinality: the dataset has more than the ${count} elements asserted`);
        yield e;
      }
      if (n < count) throw new Error(`Dataset.assertCardinality: the dataset has ${n} elements, ${count} were asserted`);
    }, count, this.handsOver);
  }

  /** The number of elements, `Dataset.INFINITE` or `Dataset.UNKNOWN`. */
  cardinality(): number {
    return this.size;
  }

  /** Every element of one pass, in order (must be finite). */
  async toArray(): Promise<T[]> {
    if (this.size === Dataset.INFINITE) throw new Error('Dataset.toArray: the dataset is infinite (repeat() without a count); take(n) first');
    const out: T[] = [];
    for await (const e of this) out.push(e);
    return out;
  }

  /** A dataset over this one's elements; `handsOver` only for stages that pass elements through unchanged and keep none. */
  private derive<U>(pass: (upstream: Dataset<T>) => AsyncGenerator<U>, size: number, handsOver = false): Dataset<U> {
    return new Dataset(() => pass(this), size, handsOver);
  }

  /** `fn` applied to every element (sync or async). */
  map<U>(fn: (element: T) => U | Promise<U>, options: MapOptions = {}): Dataset<U> {
    const parallel = checkCount(options.numParallelCalls ?? 1, 'map: numParallelCalls', false);
    return this.derive((up) => mapStream(up, fn, parallel), this.size);
  }

  /** Only the elements for which `predicate` holds. */
  filter(predicate: (element: T) => boolean | Promise<boolean>): Dataset<T> {
    return this.derive(async function* (up) {
      for await (const e of up) if (await predicate(e)) yield e;
    }, this.size === Dataset.INFINITE ? Dataset.INFINITE : Dataset.UNKNOWN);
  }

  /** Consecutive elements stacked along a new first axis, `batchSize` at a time. */
  batch(batchSize: number, options: BatchOptions = {}): Dataset<Batched<T>> {
    checkCount(batchSize, 'batch: batchSize', false);
    const drop = options.dropRemainder ?? false;
    const size = this.size < 0 ? this.size : drop ? Math.floor(this.size / batchSize) : Math.ceil(this.size / batchSize);
    return this.derive(async function* (up) {
      let pending: T[] = [];
      for await (const e of up) {
        pending.push(e);
        if (pending.length === batchSize) {
          yield stackElements(pending);
          pending = [];
        }
      }
      if (pending.length > 0 && !drop) yield stackElements(pending);
    }, size);
  }

  /** The inverse of `batch`: each element's samples (cut along axis 0) in turn. */
  unbatch(): Dataset<Unbatched<T>> {
    return this.derive(async function* (up) {
      for await (const e of up) yield* unstackElement(e) as Unbatched<T>[];
    }, this.size === Dataset.INFINITE ? Dataset.INFINITE : Dataset.UNKNOWN);
  }

  /**
   * Elements in random order through a buffer of `bufferSize` (tf.data's algorithm; a buffer at
   * least as large as the dataset is a uniform shuffle). With a seed the orders are the same on
   * every run; each pass gets a new order unless `reshuffleEachIteration` is false.
   */
  shuffle(bufferSize: number, options: ShuffleOptions = {}): Dataset<T> {
    checkCount(bufferSize, 'shuffle: bufferSize', false);
    const base = options.seed ?? new Random().nextUint32();
    const reshuffle = options.reshuffleEachIteration ?? true;
    let passes = 0;
    return this.derive((up) => {
      const pass = reshuffle ? passes++ : 0;
      // Each pass's seed depends on the base seed and the pass number alone.
      return shuffleStream(up, bufferSize, new Random((base + Math.imul(pass, 0x9e3779b9)) >>> 0));
    }, this.size);
  }

  /** The data `count` times in a row (forever without a count). */
  repeat(count?: number): Dataset<T> {
    if (count !== undefined) checkCount(count, 'repeat: count');
    const times = count ?? Infinity;
    const size = this.size === Dataset.UNKNOWN || this.size === Dataset.INFINITE ? this.size : times === Infinity ? (this.size === 0 ? 0 : Dataset.INFINITE) : this.size * times;
    return this.derive(async function* (up) {
      for (let i = 0; i < times; i++) {
        let any = false;
        for await (const e of up) {
          any = true;
          yield e;
        }
        // An empty pass would make an endless repeat spin forever on nothing.
        if (!any) return;
      }
    }, size);
  }

  /** The first `count` elements. */
  take(count: number): Dataset<T> {
    checkCount(count, 'take: count');
    const size = this.size === Dataset.INFINITE ? count : this.size === Dataset.UNKNOWN ? Dataset.UNKNOWN : Math.min(count, this.size);
    return this.derive(async function* (up) {
      if (count === 0) return;
      let n = 0;
      for await (const e of up) {
        yield e;
        if (++n >= count) return;
      }
    }, size, this.handsOver);
  }

  /** All but the first `count` elements. */
  skip(count: number): Dataset<T> {
    checkCount(count, 'skip: count');
    const size = this.size < 0 ? this.size : Math.max(0, this.size - count);
    return this.derive(async function* (up) {
      let n = 0;
      for await (const e of up) if (n++ >= count) yield e;
    }, size, this.handsOver);
  }

  /**
   * Keeps the elements of the first complete pass in memory and replays them afterwards (decoded
   * images are not decoded again). A pass stopped early caches nothing.
   */
  cache(): Dataset<T> {
    if (this.size === Dataset.INFINITE) throw new Error('Dataset.cache: the dataset is infinite (repeat() without a count); cache before repeat');
    let cached: T[] | null = null;
    return this.derive(async function* (up) {
      if (cached !== null) {
        yield* cached;
        return;
      }
      const filling: T[] = [];
      for await (const e of up) {
        filling.push(e);
        yield e;
      }
      cached = filling;
    }, this.size);
  }

  /** Works up to `bufferSize` elements ahead of the consumer (overlaps loading with training). */
  prefetch(bufferSize: number): Dataset<T> {
    checkCount(bufferSize, 'prefetch: bufferSize');
    if (bufferSize === 0) return this;
    return this.derive((up) => prefetchStream(up, bufferSize), this.size, this.handsOver);
  }
}
