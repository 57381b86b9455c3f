/**
 * What every wasm kernel works with: the main-thread exports, the heap, the thread pool and the
 * per-thread workspaces. `parallel` runs one export over a range, split into chunks that the
 * threads claim dynamically; every chunk writes a disjoint part of the output and computes it the
 * same way whichever thread runs it, so results do not depend on scheduling.
 */
import type { ChunkArg } from './pool.js';
import { WasmThreadPool } from './pool.js';
import type { WasmHeap } from './heap.js';
import { KERNEL_PARAMS, type KernelExports } from './generated/kernel-exports.js';

type Fn = (...a: number[]) => void;

/** The name of a kernel export. */
export type KernelName = keyof KernelExports;
type ParamOf<K extends KernelName> = (typeof KERNEL_PARAMS)[K][number];
/** Named arguments of export K, one number per parameter (generated from its AssemblyScript signature). */
export type KernelArgs<K extends KernelName> = { readonly [P in ParamOf<K>]: number };
/** Exports that return a number (workspace sizes) and those that return nothing (kernels). */
export type SizeKernelName = { [K in KernelName]: ReturnType<KernelExports[K]> extends number ? K : never }[KernelName];
export type VoidKernelName = Exclude<KernelName, SizeKernelName>;

/** How `parallel` splits export K's range [0, total) into chunks. */
export interface ParallelJob<K extends KernelName> {
  total: number;
  /** Chunk length (see `grain`). */
  grain: number;
  /** Arguments that move with the chunk: value = given + perStart * start + perLength * length. */
  chunk: { readonly [P in ParamOf<K>]?: readonly [perStart: number, perLength: number] };
  /** The job's cost estimate (flops or bytes touched): small jobs stay on the main thread. */
  work: number;
  /** The parameter that receives the running thread's workspace pointer (call `workspace` first). */
  workspace?: ParamOf<K>;
  /** The export does one fixed chunk per call (a partial-sum block): chunks must not grow. */
  unitChunks?: boolean;
}

/**
 * An export's parameters: their order, and each one's position by name, with the arrays its calls
 * are marshalled through. Built once per export and kept, so a kernel call looks its arguments up
 * without a search and allocates nothing: no closure, tuple or array per call, and arrays whose
 * length never changes (V8 reallocates an array's backing store when a shorter one grows back).
 * The arrays are shared by every call of the export: no kernel call nests in another.
 */
interface Signature {
  readonly params: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  /** The arguments in parameter order. */
  readonly named: number[];
  /** One chunk's arguments (`named` moved by the chunk's start and length). */
  readonly argv: number[];
  /** A parallel job's chunk-moved arguments, and the triples they are kept in. */
  readonly chunks: ChunkArg[];
  readonly triples: [number, number, number][];
}

const signatures = new Map<KernelName, Signature>();

function signatureOf(name: KernelName): Signature {
  let sig = signatures.get(name);
  if (sig === undefined) {
    const params: readonly string[] = KERNEL_PARAMS[name];
    const zeros = (): number[] => params.map(() => 0);
    sig = { params, index: new Map(params.map((p, i) => [p, i])), named: zeros(), argv: zeros(), chunks: [], triples: [] };
    signatures.set(name, sig);
  }
  return sig;
}

/** Named arguments in the export's parameter order (its signature's `named`); a missing one is a bug in the caller. */
function positional<K extends KernelName>(name: K, args: KernelArgs<K>): number[] {
  const { params, named } = signatureOf(name);
  const values = args as Readonly<Record<string, number>>;
  for (let i = 0; i < params.length; i++) {
    const v = values[params[i]!];
    if (typeof v !== 'number') throw new Error(`wasm backend: kernel '${name}' called without argument '${params[i]}'`);
    named[i] = v;
  }
  return named;
}

/** job.chunk as [argument index, perStart, perLength] triples, in the export's reused arrays. */
function chunkArgsOf<K extends KernelName>(name: K, chunk: ParallelJob<K>['chunk']): readonly ChunkArg[] {
  const { chunks, triples } = signatureOf(name);
  let n = 0;
  for (const param in chunk) {
    const coefficients = (chunk as Readonly<Record<string, readonly [number, number]>>)[param]!;
    const triple = triples[n] ?? (triples[n] = [0, 0, 0]);
    triple[0] = paramIndex(name, param);
    triple[1] = coefficients[0];
    triple[2] = coefficients[1];
    chunks[n++] = triple;
  }
  if (chunks.length !== n) chunks.length = n;
  return chunks;
}

function paramIndex<K extends KernelName>(name: K, param: string): number {
  const i = signatureOf(name).index.get(param);
  if (i === undefined) throw new Error(`wasm backend: kernel '${name}' has no parameter '${param}'`);
  return i;
}

/** Each kernel runs on one thread below this many flops per extra thread (dispatch ~1 us). */
export const MIN_PARALLEL_WORK = 60_000;
/**
 * A worker preempted mid-chunk makes the main thread wait for it. On a quiet machine that happens
 * now and then (V8's GC threads, other processes): a few ms every few hundred ms, far less than a
 * second thread gives. On an overloaded machine it happens on most jobs and two threads run slower
 * than one. So the context keeps decaying sums of the time spent in parallel jobs and of the time
 * the main thread waited in them, and goes single-threaded for SOLO_MS only when waiting is more
 * than STALL_SHARE of the parallel time. Results do not change: every chunk computes its part of
 * the output the same way whichever thread, or how many, run it.
 */
const STALL_SHARE = 0.25;
/** Decay per parallel job of the running sums (~100 jobs, about two training steps, of memory). */
const STALL_DECAY = 0.99;
/** Waits below this (ms) are the normal end of a job (the worker finishing its last chunk). */
const STALL_MIN_MS = 1;
/** How long to stay single-threaded once waiting dominates (ms). */
const SOLO_MS = 300;
/** Parallel time credited at the start (ms), so one early stall does not switch threads off. */
const PARALLEL_PRIOR_MS = 20;

/** How much finer than the number of claims the grain of a guided job is (see `grain`). */
const GUIDED_REFINE = 2;

export class WasmContext {
  private readonly fns = new Map<string, Fn>();
  private wsPtrs: { ptr: number; size: number }[] = [];
  private wsBytes = 0;
  private soloUntil = 0;
  /** Counters for benchmarks: jobs run split across threads, switches to one thread, ms waited. */
  readonly stats = { parallelJobs: 0, soloSwitches: 0, stalledMs: 0, waitedMs: 0 };
  /** Told the name of every kernel run through `call` or `parallel` (tests check which algorithm ran). */
  onDispatch: ((name: KernelName) => void) | null = null;
  /** ms the main thread waited for workers' last chunks, by export: where the load is uneven. */
  readonly waitedByExport = new Map<string, number>();
  /** Decaying sums (ms): time in parallel jobs, and the part of it spent waiting for a preempted worker. */
  private recentParallelMs = PARALLEL_PRIOR_MS;
  private recentStalledMs = 0;

  constructor(
    readonly ex: KernelExports,
    readonly heap: WasmHeap,
    readonly pool: WasmThreadPool | null,
    readonly threads: number,
  ) {}

  private fn(name: KernelName): Fn {
    let f = this.fns.get(name);
    if (f === undefined) {
      f = this.ex[name] as Fn;
      this.fns.set(name, f);
    }
    return f;
  }

  /** Calls a kernel once on the main thread. */
  call<K extends VoidKernelName>(name: K, args: KernelArgs<K>): void {
    this.onDispatch?.(name);
    this.fn(name)(...positional(name, args));
  }

  /** Calls an export that returns a number (workspace sizes). */
  size<K extends SizeKernelName>(name: K, args: KernelArgs<K>): number {
    return (this.ex[name] as (...a: number[]) => number)(...positional(name, args));
  }

  /** Makes every thread's workspace at least `bytes`; returns the main thread's. */
  workspace(bytes: number): number {
    if (bytes > this.wsBytes) {
      for (const w of this.wsPtrs) this.heap.releaseScratch(w);
      const grown = Math.max(bytes, Math.ceil(this.wsBytes * 1.5));
      // Forget the old blocks first: if an allocation below runs out of memory, nothing points at freed ones.
      this.wsPtrs = [];
      this.wsBytes = 0;
      for (let t = 0; t < this.threads; t++) this.wsPtrs.push(this.heap.lastingScratch(grown));
      this.wsBytes = grown;
      this.pool?.setWorkspaces(this.wsPtrs.map((w) => w.ptr));
    }
    return this.wsPtrs[0]!.ptr;
  }

  /**
   * Runs kernel `name` over [0, job.total) in chunks of `job.grain`: each chunk gets `args` with the
   * `job.chunk` arguments offset affinely by its start and length, and `job.workspace` set to the
   * running thread's workspace.
   */
  parallel<K extends VoidKernelName>(name: K, args: KernelArgs<K>, job: ParallelJob<K>): void {
    if (job.total <= 0) return;
    this.onDispatch?.(name);
    const wsArg = job.workspace === undefined ? -1 : paramIndex(name, job.workspace);
    this.parallelAt(name, positional(name, args), job.total, job.grain, chunkArgsOf(name, job.chunk), job.work, wsArg, job.unitChunks ?? false);
  }

  private parallelAt(name: KernelName, args: number[], total: number, grain: number, chunkArgs: readonly ChunkArg[], work: number, wsArg: number, unitChunks: boolean): void {
    const f = this.fn(name);
    if (this.pool !== null && this.threads > 1 && grain < total && work >= MIN_PARALLEL_WORK && performance.now() >= this.soloUntil) {
      const t0 = performance.now();
      // Unit-chunk exports do one fixed part per call: their chunks must not grow.
      const waited = this.pool.parallelFor(name, args, total, grain, chunkArgs, f, wsArg, !unitChunks);
      this.noteParallelJob(performance.now() - t0, waited);
      this.waitedByExport.set(name, (this.waitedByExport.get(name) ?? 0) + waited);
      return;
    }
    // One thread: the whole range in one call, or (unitChunks: the export does one fixed chunk
    // per call, e.g. one partial-sum block) every chunk in order.
    const step = unitChunks ? grain : total;
    const argv = signatureOf(name).argv;
    for (let start = 0; start < total; start += step) {
      const len = Math.min(step, total - start);
      for (let i = 0; i < args.length; i++) argv[i] = args[i]!;
      for (let c = 0; c < chunkArgs.length; c++) {
        const [i, perStart, perLength] = chunkArgs[c]!;
        argv[i] = argv[i]! + perStart * start + perLength * len;
      }
      if (wsArg >= 0) argv[wsArg] = this.wsPtrs[0]!.ptr;
      f(...argv);
    }
  }

  /** Updates the stall statistics after a parallel job; may switch to one thread for a while. */
  private noteParallelJob(spentMs: number, waitedMs: number): void {
    this.stats.parallelJobs++;
    this.stats.waitedMs += waitedMs;
    if (waitedMs > STALL_MIN_MS) this.stats.stalledMs += waitedMs;
    this.recentParallelMs = this.recentParallelMs * STALL_DECAY + spentMs;
    this.recentStalledMs = this.recentStalledMs * STALL_DECAY + (waitedMs > STALL_MIN_MS ? waitedMs : 0);
    if (this.recentStalledMs > STALL_SHARE * this.recentParallelMs) {
      this.soloUntil = performance.now() + SOLO_MS;
      this.stats.soloSwitches++;
      this.recentParallelMs = PARALLEL_PRIOR_MS;
      this.recentStalledMs = 0;
    }
  }

  /**
   * A grain giving about `perThread` claims per thread, rounded up to a multiple of `align`.
   * Claims are guided (pool.ts: early ones take several grains), so the grain itself is
   * GUIDED_REFINE times finer: the same number of claims, and a shorter wait for the last one.
   */
  grain(total: number, perThread = 4, align = 1): number {
    const g = Math.ceil(total / (this.threads * perThread * GUIDED_REFINE));
    return Math.max(align, Math.ceil(g / align) * align);
  }

  close(): void {
    this.pool?.close();
  }
}

export function createPool(...a: Parameters<typeof WasmThreadPool.create>): WasmThreadPool {
  return WasmThreadPool.create(...a);
}
