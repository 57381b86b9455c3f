/**
 * A tiny fork-join pool: the main thread plus N-1 worker threads, all instantiating the same
 * kernel module over one shared WebAssembly.Memory. Two job kinds:
 * - `parallelFor` (use this): a range split into chunks claimed dynamically by whichever threads
 *   are running, so a descheduled worker never stalls the main thread;
 * - `run` / `post` / `join`: one static job per worker ("call export `fn` with these numbers"),
 *   the main thread runs its own share, then waits for each worker.
 *
 * Dispatch goes through a SharedArrayBuffer control block. Idle workers spin on an Atomics flag
 * (~0.3 us wake-up) for `spinMs` before sleeping in Atomics.wait (50-90 us wake-up), so a
 * training step that issues jobs back to back never pays the sleep latency.
 */
import type { PoolInit, PoolWorker, WasmPlatform } from './platform.js';
import type { WasmMemory, WasmModule } from './wasm-objects.js';
import { MAX_THREADS } from './thread-limit.js';

export { MAX_THREADS };

/** Control block layout (Int32 slots) per worker. */
const SEQ = 0; // job sequence number, bumped by the main thread
const DONE = 1; // last finished sequence number, set by the worker
const SLEEPING = 2; // 1 while the worker is (about to be) in Atomics.wait on the shared J_SEQ
const FN = 3; // index into the function name table
const NARGS = 4;
const STOP = 5;
const ERR = 6;
const SLOT_INTS = 16;
export const MAX_ARGS = 24;
const SLOT_F64 = MAX_ARGS;

/**
 * Shared (dynamically chunked) job block, Int32 slots. `REMAIN` counts the range still unclaimed:
 * a thread takes `size` from it (Atomics.sub for fixed chunks, compareExchange for guided ones,
 * see `claim`) and owns [total - r, total - r + min(size, r)) iff the previous value r > 0. The main thread writes a job only while REMAIN <= 0 and
 * INFLIGHT == 0, and sets REMAIN = total last, so a claim that succeeds always sees a complete job
 * block, and a late worker (descheduled, still looking at an old job) can only fail to claim.
 */
const J_SEQ = 0; // bumped per job: wake-up signal only
const J_REMAIN = 1;
const J_INFLIGHT = 2; // threads between a claim attempt and the end of their chunk
const J_TOTAL = 3;
const J_GRAIN = 4;
const J_FN = 5;
const J_NARGS = 6;
const J_NMAP = 7;
const J_ERR = 8;
const J_WSARG = 9; // argument index that receives the running thread's workspace pointer, or -1
const J_WS = 10; // per-thread workspace pointers (thread 0 = main), up to 6 threads
const J_MAP = 16; // NMAP triples: arg index, coefficient of chunk start, coefficient of chunk length
const MAX_MAP = 8;
/**
 * Guided self-scheduling divisor, or 0 for fixed chunks: a claim takes max(1, floor(g / divisor))
 * grains of the g grains left, so early chunks are large (few claims) and the last ones one grain
 * (a short wait for the slowest thread at the end).
 */
const J_GUIDED = J_MAP + 3 * MAX_MAP;
const J_INTS = J_GUIDED + 1;

/** args[index] = template + perStart * start + perLength * length, for each chunk. */
export type ChunkArg = readonly [index: number, perStart: number, perLength: number];

/** Size of the last successful `claim` on this thread (each thread has its own module copy). */
let claimedSize = 0;

/**
 * Takes the next chunk of the current job: returns the range left before the claim (r > 0: the
 * chunk is [total - r, total - r + min(claimedSize, r))), or <= 0 when nothing is left. The caller
 * holds an INFLIGHT count, so once REMAIN > 0 is seen the job cannot be replaced before the claim:
 * its grain and divisor are read after that (read before, they could belong to the previous job).
 */
function claim(job: Int32Array): number {
  let r = Atomics.load(job, J_REMAIN);
  if (r <= 0) return r;
  const grain = Atomics.load(job, J_GRAIN);
  const divisor = Atomics.load(job, J_GUIDED);
  if (divisor === 0) {
    claimedSize = grain;
    return Atomics.sub(job, J_REMAIN, grain);
  }
  while (r > 0) {
    const size = grain * Math.max(1, Math.floor(Math.ceil(r / grain) / divisor));
    const prev = Atomics.compareExchange(job, J_REMAIN, r, r - size);
    if (prev === r) {
      claimedSize = size;
      return r;
    }
    r = prev;
  }
  return r;
}

/**
 * Claims and runs chunks of the current shared job until none are left. Used by the main thread
 * and the workers alike. Returns the number of chunks run.
 */
export function runChunks(
  job: Int32Array, jargs: Float64Array, fns: readonly ((...a: number[]) => void)[], argv: number[], thread: number,
): number {
  let ran = 0;
  for (;;) {
    Atomics.add(job, J_INFLIGHT, 1);
    const r = claim(job);
    if (r <= 0) {
      Atomics.sub(job, J_INFLIGHT, 1);
      return ran;
    }
    const total = job[J_TOTAL]!;
    const start = total - r, len = Math.min(claimedSize, r);
    const nargs = job[J_NARGS]!, nmap = job[J_NMAP]!;
    argv.length = nargs;
    for (let i = 0; i < nargs; i++) argv[i] = jargs[i]!;
    for (let m = 0; m < nmap; m++) {
      const b = J_MAP + 3 * m;
      argv[job[b]!] = argv[job[b]!]! + job[b + 1]! * start + job[b + 2]! * len;
    }
    const wsArg = job[J_WSARG]!;
    if (wsArg >= 0) argv[wsArg] = job[J_WS + thread]! >>> 0;
    try {
      fns[job[J_FN]!]!(...argv);
    } catch {
      job[J_ERR] = 1;
    }
    ran++;
    Atomics.sub(job, J_INFLIGHT, 1);
  }
}

export class WasmThreadPool {
  readonly threads: number;
  private readonly workers: PoolWorker[] = [];
  private readonly ctrl: Int32Array;
  private readonly args: Float64Array;
  private readonly fnIndex = new Map<string, number>();
  private seq = 0;
  private readonly job = new Int32Array(new SharedArrayBuffer(J_INTS * 4));
  private readonly jobArgs = new Float64Array(new SharedArrayBuffer(MAX_ARGS * 8));
  private readonly argv: number[] = [];
  /** Main-thread functions by name index (runChunks looks them up by the job's FN slot). */
  private readonly mainFns: ((...a: number[]) => void)[] = [];

  private constructor(
    threads: number,
    private readonly fnNames: readonly string[],
  ) {
    this.threads = threads;
    const n = Math.max(1, threads - 1);
    this.ctrl = new Int32Array(new SharedArrayBuffer(n * SLOT_INTS * 4));
    this.args = new Float64Array(new SharedArrayBuffer(n * SLOT_F64 * 8));
    fnNames.forEach((f, i) => this.fnIndex.set(f, i));
  }

  /**
   * Starts threads - 1 workers through the platform. Returns at once: parallelFor never waits for
   * a worker that is not running yet (the main thread takes every chunk); `ready()` waits for all.
   */
  static create(
    platform: WasmPlatform, module: WasmModule, memory: WasmMemory, threads: number, fnNames: readonly string[], spinMs = 20,
  ): WasmThreadPool {
    const pool = new WasmThreadPool(threads, fnNames);
    for (let w = 0; w < threads - 1; w++) {
      const init: PoolInit = {
        module, memory, ctrl: pool.ctrl.buffer as SharedArrayBuffer, args: pool.args.buffer as SharedArrayBuffer,
        job: pool.job.buffer as SharedArrayBuffer, jobArgs: pool.jobArgs.buffer as SharedArrayBuffer,
        index: w, fnNames, spinMs,
      };
      pool.workers.push(platform.spawnWorker(init));
    }
    return pool;
  }

  /** Resolves when every worker runs its job loop (static `run`/`post` need that; parallelFor does not). */
  async ready(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.ready));
  }

  /** Posts one job to worker w (0-based) without waiting. */
  post(w: number, fn: string, args: readonly number[]): void {
    const idx = this.fnIndex.get(fn);
    if (idx === undefined) throw new Error(`pool: unknown function ${fn}`);
    if (args.length > MAX_ARGS) throw new Error('pool: too many arguments');
    const base = w * SLOT_INTS;
    this.args.set(args, w * SLOT_F64);
    this.ctrl[base + FN] = idx;
    this.ctrl[base + NARGS] = args.length;
    Atomics.store(this.ctrl, base + SEQ, ++this.seq);
    // Wake-up word shared by all workers (a worker sleeps on it, whatever the job kind).
    Atomics.add(this.job, J_SEQ, 1);
    if (Atomics.load(this.ctrl, base + SLEEPING)) Atomics.notify(this.job, J_SEQ);
  }

  /** Spins until worker w has finished its last posted job. */
  join(w: number): void {
    const base = w * SLOT_INTS;
    const want = Atomics.load(this.ctrl, base + SEQ);
    while (Atomics.load(this.ctrl, base + DONE) !== want) { /* spin: jobs are short */ }
    if (this.ctrl[base + ERR]) {
      this.ctrl[base + ERR] = 0;
      throw new Error(`pool: worker ${w} failed in ${this.fnNames[this.ctrl[base + FN]!]}`);
    }
  }

  /**
   * Runs jobs[0] on the main thread (via `main`) and jobs[1..] on the workers, returning when all
   * are done. Each job is the argument list of export `fn`.
   */
  run(fn: string, jobs: readonly (readonly number[])[], main: (...args: number[]) => void): void {
    for (let w = 1; w < jobs.length; w++) this.post(w - 1, fn, jobs[w]!);
    if (jobs.length > 0) main(...jobs[0]!);
    for (let w = 1; w < jobs.length; w++) this.join(w - 1);
  }

  /** Per-thread workspace pointers (index 0 = main thread) for parallelFor's `wsArg`. */
  setWorkspaces(ptrs: readonly number[]): void {
    if (ptrs.length < this.threads || ptrs.length > MAX_THREADS) throw new Error('pool: one workspace per thread');
    ptrs.forEach((p, i) => { this.job[J_WS + i] = p | 0; });
  }

  /**
   * Runs export `fn` over the range [0, total) in chunks of `grain`, dynamically shared between
   * the main thread (calling `mainFn`, the same export on the main instance) and whichever workers
   * are awake. Each chunk gets `args` with the `chunkArgs` entries offset for its [start, length).
   * If `wsArg` >= 0, that argument is set to the running thread's workspace (setWorkspaces).
   * Returns when every chunk is done; never waits for a worker that has not claimed a chunk.
   * Returns how long (ms) the main thread waited for workers to finish their last chunks.
   */
  parallelFor(
    fn: string, args: readonly number[], total: number, grain: number, chunkArgs: readonly ChunkArg[],
    mainFn: (...a: number[]) => void, wsArg = -1, guided = false,
  ): number {
    const idx = this.fnIndex.get(fn);
    if (idx === undefined) throw new Error(`pool: unknown function ${fn}`);
    if (args.length > MAX_ARGS || chunkArgs.length > MAX_MAP) throw new Error('pool: too many arguments');
    const job = this.job;
    // The previous job is finished (REMAIN <= 0, INFLIGHT == 0): safe to rewrite the block.
    this.jobArgs.set(args);
    job[J_FN] = idx;
    job[J_NARGS] = args.length;
    job[J_NMAP] = chunkArgs.length;
    for (let i = 0; i < chunkArgs.length; i++) {
      const m = chunkArgs[i]!;
      job[J_MAP + 3 * i] = m[0];
      job[J_MAP + 3 * i + 1] = m[1];
      job[J_MAP + 3 * i + 2] = m[2];
    }
    job[J_WSARG] = wsArg;
    job[J_TOTAL] = total;
    job[J_GUIDED] = guided ? 2 * this.threads : 0;
    Atomics.store(job, J_GRAIN, Math.max(1, grain));
    Atomics.store(job, J_REMAIN, total); // publishes the job
    if (this.workers.length > 0) {
      Atomics.add(job, J_SEQ, 1);
      let sleeping = false;
      for (let w = 0; w < this.workers.length; w++) sleeping ||= Atomics.load(this.ctrl, w * SLOT_INTS + SLEEPING) !== 0;
      if (sleeping) Atomics.notify(job, J_SEQ);
    }
    this.mainFns[idx] = mainFn;
    runChunks(job, this.jobArgs, this.mainFns, this.argv, 0);
    let waited = 0;
    if (Atomics.load(job, J_INFLIGHT) !== 0) {
      const t0 = performance.now();
      while (Atomics.load(job, J_INFLIGHT) !== 0) { /* a worker is finishing its last chunk */ }
      waited = performance.now() - t0;
    }
    if (job[J_ERR]) {
      job[J_ERR] = 0;
      throw new Error(`pool: ${fn} failed in a worker`);
    }
    return waited;
  }

  close(): void {
    for (let w = 0; w < this.workers.length; w++) {
      Atomics.store(this.ctrl, w * SLOT_INTS + STOP, 1);
      Atomics.add(this.ctrl, w * SLOT_INTS + SEQ, 1);
    }
    Atomics.add(this.job, J_SEQ, 1);
    Atomics.notify(this.job, J_SEQ);
    for (const w of this.workers) w.terminate();
  }
}

export const SLOTS = { SEQ, DONE, SLEEPING, FN, NARGS, STOP, ERR, SLOT_INTS, SLOT_F64, J_SEQ };
