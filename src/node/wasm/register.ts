/**
 * registerWasmBackend: makes 'wasm' available (and preferred over 'ref') in Node. The module is
 * compiled synchronously when the backend is first used. Without WebAssembly SIMD or shared
 * memory the factory prints one line and returns the reference backend instead.
 */
import type { Backend } from '../../backend/backend.js';
import { engine } from '../../backend/engine.js';
import { createRefBackend } from '../../backend/ref/ref-backend.js';
import { createWasmBackend } from '../../backend/wasm/backend.js';
import { compileKernelsSync, detectFeatures, unsupportedNotice, type WasmVariant } from '../../backend/wasm/loader.js';
import { MAX_THREADS } from '../../backend/wasm/pool.js';
import { nodePlatform } from './platform.js';

export interface RegisterWasmOptions {
  /** Threads including the main one; default FOVEA_THREADS or the number of cores (at most 6). */
  threads?: number;
  /** Kernel build to use; default the best the engine supports. */
  variant?: WasmVariant | 'auto';
  /** Engine priority; 'ref' has 1. */
  priority?: number;
  /** Registered name (default 'wasm'); tests register several thread counts side by side. */
  name?: string;
  /** Largest heap in bytes (default 2 GiB, the most WebAssembly's 32-bit memory allows here). */
  heapLimitBytes?: number;
}

/** The default thread count: FOVEA_THREADS, else the cores available (capped). */
export function defaultThreads(): number {
  const env = process.env['FOVEA_THREADS'];
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) throw new Error(`FOVEA_THREADS must be an integer in [1, ${MAX_THREADS}], got '${env}'`);
    return n;
  }
  return Math.max(1, Math.min(MAX_THREADS, nodePlatform.hardwareConcurrency()));
}

/** A wasm backend for Node, or the reference backend (with a notice) where wasm cannot run. */
export function createNodeWasmBackend(options: RegisterWasmOptions = {}): Backend {
  const notice = unsupportedNotice(detectFeatures());
  if (notice !== null) {
    console.warn(notice);
    return createRefBackend();
  }
  const { module } = compileKernelsSync(nodePlatform, options.variant ?? 'auto');
  return createWasmBackend({ module, threads: options.threads ?? defaultThreads(), platform: nodePlatform, heapLimitBytes: options.heapLimitBytes });
}

export function registerWasmBackend(options: RegisterWasmOptions = {}): void {
  engine.registerBackend(options.name ?? 'wasm', () => createNodeWasmBackend(options), options.priority ?? 2);
}
