/**
 * The stream transformations behind Dataset's methods, each an async generator over one pass of
 * the upstream: shuffle buffer, ordered parallel map, prefetch. Kept apart from the Dataset class
 * so each reads on its own.
 */
import { Random } from '../tensor/random.js';

/**
 * tf.data's shuffle: a buffer of `bufferSize` elements; each step yields a uniformly chosen one and
 * puts the next upstream element in its place. A buffer as large as the data is a full shuffle.
 */
export async function* shuffleStream<T>(upstream: AsyncIterable<T>, bufferSize: number, rng: Random): AsyncGenerator<T> {
  const buffer: T[] = [];
  for await (const e of upstream) {
    if (buffer.length < bufferSize) {
      buffer.push(e);
      continue;
    }
    const i = rng.int(bufferSize);
    const out = buffer[i];
    buffer[i] = e;
    yield out;
  }
  while (buffer.length > 0) {
    const i = rng.int(buffer.length);
    const out = buffer[i];
    buffer[i] = buffer[buffer.length - 1];
    buffer.pop();
    yield out;
  }
}

/**
 * `fn` over the upstream with up to `parallel` calls in flight, results in upstream order. With
 * async work (decoding on worker threads) the calls overlap each other and the consumer's work.
 */
export async function* mapStream<T, U>(upstream: AsyncIterable<T>, fn: (e: T) => U | Promise<U>, parallel: number): AsyncGenerator<U> {
  const pending: Promise<U>[] = [];
  const it = upstream[Symbol.asyncIterator]();
  try {
    for (;;) {
      while (pending.length < parallel) {
        const r = await it.next();
        if (r.done) break;
        const p = Promise.resolve().then(() => fn(r.value));
        // Observed now so a failure waiting its turn is not reported as unhandled; rethrown when its turn comes.
        p.catch(() => undefined);
        pending.push(p);
      }
      const head = pending.shift();
      if (head === undefined) return;
      yield await head;
    }
  } finally {
    await it.return?.();
  }
}

/**
 * Pulls up to `size` upstream elements ahead of the consumer, so the upstream (decoding, reading)
 * works while the consumer runs a training step.
 */
export async function* prefetchStream<T>(upstream: AsyncIterable<T>, size: number): AsyncGenerator<T> {
  const it = upstream[Symbol.asyncIterator]();
  const ahead: Promise<IteratorResult<T>>[] = [];
  try {
    for (;;) {
      while (ahead.length < size + 1) {
        const p = it.next();
        p.catch(() => undefined);
        ahead.push(p);
      }
      const r = await ahead.shift()!;
      if (r.done) return;
      yield r.value;
    }
  } finally {
    // Let queued pulls settle before closing the upstream (an async generator queues them in order).
    await Promise.allSettled(ahead);
    await it.return?.();
  }
}
