/**
 * Worker threads that decode batches of image files, so decoding overlaps the training step that
 * runs on the main thread. Each job is a batch's paths; the pixels come back as a transferred
 * buffer (no copy). Workers are unref'd while idle, so they never keep a finished program alive,
 * and ref'd while they hold a job, so an awaited batch keeps the program running.
 */
import { Worker } from 'node:worker_threads';
import type { DecodeOptions } from './decode-image.js';
import { ImageFileError } from './image-file.js';

export interface DecodeJob {
  id: number;
  paths: readonly string[];
  names: readonly string[];
  options: DecodeOptions;
}

export type DecodeReply = { id: number; pixels: Float32Array } | { id: number; error: { message: string; file?: string; reason?: string } };

interface Pending {
  job: DecodeJob;
  resolve: (pixels: Float32Array) => void;
  reject: (e: Error) => void;
}

export class DecodePool {
  private static pools = new Map<number, DecodePool>();
  private readonly idle: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly running = new Map<number, { worker: Worker; pending: Pending }>();
  private nextId = 0;

  private constructor(size: number) {
    for (let i = 0; i < size; i++) this.idle.push(this.spawn());
  }

  /** One pool per size for the whole process (workers are started once). */
  static shared(size: number): DecodePool {
    let pool = DecodePool.pools.get(size);
    if (pool === undefined) DecodePool.pools.set(size, (pool = new DecodePool(size)));
    return pool;
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./decode-worker.js', import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    worker.unref();
    worker.on('message', (reply: DecodeReply) => this.settle(worker, reply));
    worker.on('error', (e) => this.crashed(worker, e));
    return worker;
  }

  /** The pixels of `paths` decoded on a worker: [n, height, width, channels] values. */
  decode(paths: readonly string[], names: readonly string[], options: DecodeOptions): Promise<Float32Array> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, paths, names, options }, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const pending = this.queue.shift()!;
      this.running.set(pending.job.id, { worker, pending });
      worker.ref();
      worker.postMessage(pending.job);
    }
  }

  private settle(worker: Worker, reply: DecodeReply): void {
    const entry = this.running.get(reply.id);
    if (entry === undefined) return;
    this.running.delete(reply.id);
    worker.unref();
    this.idle.push(worker);
    if ('pixels' in reply) entry.pending.resolve(reply.pixels);
    else {
      const { file, reason, message } = reply.error;
      entry.pending.reject(file !== undefined && reason !== undefined ? new ImageFileError(file, reason) : new Error(message));
    }
    this.dispatch();
  }

  /** A worker that died fails its job and is replaced. */
  private crashed(worker: Worker, e: Error): void {
    for (const [id, entry] of this.running) {
      if (entry.worker !== worker) continue;
      this.running.delete(id);
      entry.pending.reject(new Error(`imageDatasetFromDirectory: a decoding worker failed (${e.message})`));
    }
    this.idle.push(this.spawn());
    this.dispatch();
  }
}
