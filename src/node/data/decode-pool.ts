/**
 * Worker threads that decode batches of image files, so decoding overlaps the training step that
 * runs on the main thread. Each job is a batch's paths and a slot: a SharedArrayBuffer the worker
 * decodes into, reused batch after batch (so no buffer is allocated, transferred and collected per
 * batch, on either thread). Workers are unref'd while idle, so they never keep a finished program
 * alive, and ref'd while they hold a job, so an awaited batch keeps the program running. Their
 * young generation is capped: decoding makes short-lived garbage only, and an uncapped young
 * generation grows over a long epoch (peak memory then grows with the folder's size).
 */
import { Worker } from 'node:worker_threads';
import { type DecodeOptions, valuesPerImage } from './decode-image.js';
import { ImageFileError } from './image-file.js';

export interface DecodeJob {
  id: number;
  paths: readonly string[];
  names: readonly string[];
  options: DecodeOptions;
  /** Where the worker writes the [n, height, width, channels] values. */
  slot: SharedArrayBuffer;
}

export type DecodeReply = { id: number } | { id: number; error: { message: string; file?: string; reason?: string } };

/** A decoded batch in its shared slot; `release()` once the values are copied out (the slot is reused). */
export interface DecodedBatch {
  values: Float32Array;
  release(): void;
}

interface Pending {
  job: DecodeJob;
  resolve: (batch: DecodedBatch) => void;
  reject: (e: Error) => void;
}

/**
 * A worker and the job it runs (null: idle). The job sits on the worker's record rather than in a
 * Map by job id: a long-lived Map with an insert and a delete per batch rebuilds its table in V8's
 * old generation every few batches (see backend/wasm/int-map.ts).
 */
interface DecodeThread {
  worker: Worker;
  running: Pending | null;
}

/** Young-generation cap of a decoding worker (MB). */
const WORKER_YOUNG_MB = 4;

export class DecodePool {
  private static pools = new Map<number, DecodePool>();
  private readonly idle: DecodeThread[] = [];
  private readonly queue: Pending[] = [];
  /** Idle slots by byte length; at most `maxIdleSlots` kept. */
  private readonly slots = new Map<number, SharedArrayBuffer[]>();
  private readonly maxIdleSlots: number;
  private nextId = 0;

  private constructor(size: number) {
    for (let i = 0; i < size; i++) this.idle.push(this.spawn());
    // A job running and one waiting per worker, plus the batches being copied out.
    this.maxIdleSlots = 2 * size + 2;
  }

  /** One pool per size for the whole process (workers are started once). */
  static shared(size: number): DecodePool {
    let pool = DecodePool.pools.get(size);
    if (pool === undefined) DecodePool.pools.set(size, (pool = new DecodePool(size)));
    return pool;
  }

  private spawn(): DecodeThread {
    const worker = new Worker(new URL('./decode-worker.js', import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
    const thread: DecodeThread = { worker, running: null };
    worker.unref();
    worker.on('message', (reply: DecodeReply) => this.settle(thread, reply));
    worker.on('error', (e) => this.crashed(thread, e));
    return thread;
  }

  /** The pixels of `paths` decoded on a worker: [n, height, width, channels] values in a slot. */
  decode(paths: readonly string[], names: readonly string[], options: DecodeOptions): Promise<DecodedBatch> {
    const slot = this.takeSlot(paths.length * valuesPerImage(options) * Float32Array.BYTES_PER_ELEMENT);
    return new Promise<DecodedBatch>((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, paths, names, options, slot }, resolve, reject });
      this.dispatch();
    }).catch((e: unknown) => {
      this.releaseSlot(slot);
      throw e;
    });
  }

  private takeSlot(bytes: number): SharedArrayBuffer {
    return this.slots.get(bytes)?.pop() ?? new SharedArrayBuffer(bytes);
  }

  private releaseSlot(slot: SharedArrayBuffer): void {
    const idle = [...this.slots.values()].reduce((n, list) => n + list.length, 0);
    if (idle >= this.maxIdleSlots) return;
    const list = this.slots.get(slot.byteLength) ?? [];
    list.push(slot);
    this.slots.set(slot.byteLength, list);
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const thread = this.idle.pop()!;
      const pending = this.queue.shift()!;
      thread.running = pending;
      thread.worker.ref();
      thread.worker.postMessage(pending.job);
    }
  }

  private settle(thread: DecodeThread, reply: DecodeReply): void {
    const pending = thread.running;
    if (pending === null || pending.job.id !== reply.id) return;
    thread.running = null;
    thread.worker.unref();
    this.idle.push(thread);
    const slot = pending.job.slot;
    if (!('error' in reply)) {
      let released = false;
      const release = () => {
        if (!released) this.releaseSlot(slot);
        released = true;
      };
      pending.resolve({ values: new Float32Array(slot), release });
    } else {
      const { file, reason, message } = reply.error;
      pending.reject(file !== undefined && reason !== undefined ? new ImageFileError(file, reason) : new Error(message));
    }
    this.dispatch();
  }

  /** A worker that died fails its job and is replaced. */
  private crashed(thread: DecodeThread, e: Error): void {
    const pending = thread.running;
    thread.running = null;
    const at = this.idle.indexOf(thread);
    if (at >= 0) this.idle.splice(at, 1);
    pending?.reject(new Error(`imageDatasetFromDirectory: a decoding worker failed (${e.message})`));
    this.idle.push(this.spawn());
    this.dispatch();
  }
}
