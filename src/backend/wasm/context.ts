/**
 * What every wasm kernel works with: the main-thread exports, the heap, the thread pool and the
 * per-thread workspaces. `parallel` runs one export over a range, split into chunks that the
 * threads claim dynamically; every chunk writes a disjoint part of the output and computes it the
 * same way whichever thread runs it, so results do not depend on scheduling.
 */
import type { ChunkArg } from './pool.js';
import { WasmThreadPool } from './pool.js';
import type { WasmHeap } from './heap.js';
import type { FoveaWasmExports } from './loader.js';

type Fn = (...a: number[]) => void;

/** Each kernel runs on one thread below this many flops per extra thread (dispatch ~1 us). */
export const MIN_PARALLEL_WORK = 60_000;
/** Waiting this long for a worker's last chunk means it was preempted (ms). */
const STALL_MS = 1;
/** How long to stay single-threaded after a stall (ms). Results do not change: every chunk
 * computes its part of the output the same way whichever thread, or how many, run it. */
const SOLO_MS = 300;

export class WasmContext {
  private readonly fns = new Map<string, Fn>();
  private wsPtrs: { ptr: number; size: number }[] = [];
  private wsBytes = 0;
  private readonly argv: number[] = [];
  private soloUntil = 0;

  constructor(
    readonly ex: FoveaWasmExports,
    readonly heap: WasmHeap,
    readonly pool: WasmThreadPool | null,
    readonly threads: number,
  ) {}

  fn(name: string): Fn {
    let f = this.fns.get(name);
    if (f === undefined) {
      f = this.ex[name] as Fn | undefined;
      if (typeof f !== 'function') throw new Error(`wasm backend: the kernel module has no export '${name}' (rebuild with node wasm/build.mjs)`);
      this.fns.set(name, f);
    }
    return f;
  }

  /** Calls an export once on the main thread. */
  call(name: string, ...args: number[]): void {
    this.fn(name)(...args);
  }

  /** Calls an export that returns a number (workspace sizes). */
  call1(name: string, ...args: number[]): number {
    return (this.ex[name] as (...a: number[]) => number)(...args);
  }

  /** Makes every thread's workspace at least `bytes`; returns the main thread's. */
  workspace(bytes: number): number {
    if (bytes > this.wsBytes) {
      for (const w of this.wsPtrs) this.heap.releaseScratch(w);
      this.wsBytes = Math.max(bytes, Math.ceil(this.wsBytes * 1.5));
      this.wsPtrs = Array.from({ length: this.threads }, () => this.heap.scratch(this.wsBytes));
      this.pool?.setWorkspaces(this.wsPtrs.map((w) => w.ptr));
    }
    return this.wsPtrs[0]!.ptr;
  }

  /**
   * Runs export `name` over [0, total) in chunks of `grain`: each chunk gets `args` with the
   * `chunkArgs` entries offset affinely by its start and length, and argument `wsArg` (if >= 0)
   * set to the running thread's workspace (call `workspace` first). `work` is the whole job's
   * cost estimate (flops or bytes touched): small jobs stay on the main thread.
   */
  parallel(name: string, args: number[], total: number, grain: number, chunkArgs: readonly ChunkArg[], work: number, wsArg = -1, unitChunks = false): void {
    if (total <= 0) return;
    const f = this.fn(name);
    if (this.pool !== null && this.threads > 1 && grain < total && work >= MIN_PARALLEL_WORK && performance.now() >= this.soloUntil) {
      const waited = this.pool.parallelFor(name, args, total, grain, chunkArgs, f, wsArg);
      // A long wait means a worker was descheduled mid-chunk (more runnable threads than cores):
      // then a second thread costs more than it gives, so run alone for a while and retry.
      if (waited > STALL_MS) this.soloUntil = performance.now() + SOLO_MS;
      return;
    }
    // One thread: the whole range in one call, or (unitChunks: the export does one fixed chunk
    // per call, e.g. one partial-sum block) every chunk in order.
    const step = unitChunks ? grain : total;
    const argv = this.argv;
    for (let start = 0; start < total; start += step) {
      const len = Math.min(step, total - start);
      argv.length = args.length;
      for (let i = 0; i < args.length; i++) argv[i] = args[i]!;
      for (const [i, perStart, perLength] of chunkArgs) argv[i] = argv[i]! + perStart * start + perLength * len;
      if (wsArg >= 0) argv[wsArg] = this.wsPtrs[0]!.ptr;
      f(...argv);
    }
  }

  /** A grain giving about `perThread` chunks per thread, rounded up to a multiple of `align`. */
  grain(total: number, perThread = 4, align = 1): number {
    const g = Math.ceil(total / (this.threads * perThread));
    return Math.max(align, Math.ceil(g / align) * align);
  }

  close(): void {
    this.pool?.close();
  }
}

export function createPool(...a: Parameters<typeof WasmThreadPool.create>): WasmThreadPool {
  return WasmThreadPool.create(...a);
}
