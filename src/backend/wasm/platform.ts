/**
 * What the WebAssembly backend needs from its host, kept to a few functions so the core stays
 * browser-safe: Node implements it with worker_threads and fs (src/node/wasm/), browsers with Web
 * Workers and fetch (browser-platform.ts).
 */
import type { WasmVariant } from './loader.js';
import type { WasmMemory, WasmModule } from './wasm-objects.js';

/** Everything a pool worker needs: the compiled kernels, the shared heap and the control blocks. */
export interface PoolInit {
  module: WasmModule;
  memory: WasmMemory;
  ctrl: SharedArrayBuffer;
  args: SharedArrayBuffer;
  job: SharedArrayBuffer;
  jobArgs: SharedArrayBuffer;
  /** 0-based worker index (the main thread is thread 0, worker w is thread w + 1). */
  index: number;
  fnNames: readonly string[];
  /** How long an idle worker spins on the job word before sleeping in Atomics.wait. */
  spinMs: number;
}

export interface PoolWorker {
  /** Resolves once the worker has instantiated the kernels and entered its job loop. */
  readonly ready: Promise<void>;
  terminate(): void;
}

export interface WasmPlatform {
  readonly name: string;
  /**
   * Starts a worker running `runPoolWorker(init, ...)` (worker-loop.ts). The worker must never
   * keep the host process alive (Node: unref).
   */
  spawnWorker(init: PoolInit): PoolWorker;
  /** Logical processors available to this process. */
  hardwareConcurrency(): number;
  /** The bytes of wasm/build/fovea-<variant>.wasm. */
  readKernels(variant: WasmVariant): Uint8Array<ArrayBuffer> | Promise<Uint8Array<ArrayBuffer>>;
  /** Turns on engine features before compiling (Node: V8 flags for relaxed SIMD, no Liftoff). */
  prepareEngine?(): void;
}
