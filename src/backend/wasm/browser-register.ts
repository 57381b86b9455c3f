/**
 * useWasmBackendInBrowser: the browser's counterpart of Node's registerWasmBackend. It fetches and
 * compiles the kernels (asynchronously, as browsers require for large modules), starts the Web
 * Workers and waits until each runs, registers 'wasm' with the engine and selects it. When any of
 * that cannot work it selects 'ref' (or throws, with `fallback: 'throw'`) and says why: the page
 * is not cross-origin isolated (and which two headers to send), the browser lacks SIMD, the
 * kernels' URL answers something that is not WebAssembly, the worker script is not served.
 *
 * Example: `const status = await useWasmBackendInBrowser({ kernelsUrl: '/fovea/' }); show(String(status));`
 */
import { backendStatus, setupRecord, type BackendStatus } from '../backend-status.js';
import { engine } from '../engine.js';
import type { WasmBackend } from './backend.js';
import { browserPlatform } from './browser-platform.js';
import { detectFeatures } from './features.js';
import type { WasmVariant } from './loader.js';
import { MAX_THREADS } from './thread-limit.js';

export interface BrowserWasmOptions {
  /** Where fovea-simd.wasm and fovea-relaxed.wasm are served (a URL ending in '/'). */
  kernelsUrl: string | URL;
  /**
   * Where the `fovea/browser-worker` script is served as an ES module. Needed where the bundler
   * does not emit it from `new URL('./browser-worker.js', import.meta.url)` (esbuild: build it as
   * a second entry, or pass its URL here; an iife bundle always needs this).
   */
  workerUrl?: string | URL;
  /** Threads including the main one; default navigator.hardwareConcurrency (at most 6). */
  threads?: number;
  /** Kernel build to use; default the best the browser supports. */
  variant?: WasmVariant | 'auto';
  /** What to do when wasm cannot run: select 'ref' and say why in the status (default), or reject. */
  fallback?: 'ref' | 'throw';
  /** How long each worker may take to start (ms, default 20000). */
  workerTimeoutMs?: number;
}

/** The headers a page needs for SharedArrayBuffer, named in the fallback reason. */
export const ISOLATION_HEADERS = 'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp';

let started: Promise<BackendStatus> | null = null;

/**
 * Resolves to the status of the backend now active: wasm with its threads and kernel build, or
 * 'ref' with the `reason` wasm cannot run (`String(status)` is one line a page can show). The
 * kernels and workers are set up once per page: later calls select wasm again and resolve to the
 * same status, whatever their options. A fallback is not kept: the next call tries again.
 */
export function useWasmBackendInBrowser(options: BrowserWasmOptions): Promise<BackendStatus> {
  let threads: number | undefined;
  try {
    threads = requestedThreads(options.threads);
  } catch (e) {
    return Promise.reject(e);
  }
  started ??= start(options, threads).catch((e: unknown) => {
    started = null;
    throw e;
  });
  const attempt = started;
  return attempt.then((status) => {
    if (status.backend === 'wasm') {
      engine.setBackend('wasm');
      return status;
    }
    if (started === attempt) started = null;
    setupRecord.fallbackReason = status.reason ?? null;
    if (options.fallback === 'throw') throw new Error(`useWasmBackendInBrowser: ${status.reason}`);
    console.warn(`fovea: the 'wasm' backend cannot run, so 'ref' does (15-40x slower): ${status.reason}`);
    engine.setBackend('ref');
    return status;
  });
}

function requestedThreads(threads: number | undefined): number | undefined {
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS)) {
    throw new Error(`useWasmBackendInBrowser: threads must be an integer in [1, ${MAX_THREADS}], got ${threads}`);
  }
  return threads;
}

/** Why this page cannot run the wasm backend at all, or null. */
export function missingFeatureReason(): string | null {
  const features = detectFeatures();
  if (!features.threads) {
    if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) {
      return `the page is not cross-origin isolated, so it has no SharedArrayBuffer: serve it with the headers ${ISOLATION_HEADERS}`;
    }
    return 'this browser has no shared WebAssembly memory (SharedArrayBuffer)';
  }
  if (!features.simd) return 'this browser lacks WebAssembly SIMD (Chrome and Edge 91+, Firefox 89+, Safari 16.4+ have it)';
  return null;
}

async function start(options: BrowserWasmOptions, requested: number | undefined): Promise<BackendStatus> {
  const missing = missingFeatureReason();
  if (missing !== null) return refStatus(missing);
  const platform = browserPlatform({
    kernelsUrl: options.kernelsUrl,
    ...(options.workerUrl === undefined ? {} : { workerUrl: options.workerUrl }),
    ...(options.workerTimeoutMs === undefined ? {} : { workerTimeoutMs: options.workerTimeoutMs }),
  });
  const threads = requested ?? Math.max(1, Math.min(MAX_THREADS, platform.hardwareConcurrency()));
  let backend: WasmBackend | null = null;
  try {
    // Imported here, not at the top: the loader and the kernels' code (~13 kB gzip) load only on
    // pages that set up wasm.
    const [{ compileKernels }, { createWasmBackend }] = await Promise.all([import('./loader.js'), import('./backend.js')]);
    const { module, variant } = await compileKernels(platform, options.variant ?? 'auto');
    backend = createWasmBackend({ module, threads, platform });
    await backend.context.pool?.ready();
    const ready = backend;
    engine.registerBackend('wasm', () => ready, 2);
    // The first epoch at full speed: run the kernels until the browser has optimized them
    // (models/warm-up.ts says why). Loaded on demand so this module does not import the layers.
    engine.setBackend('wasm');
    await (await import('../../models/warm-up.js')).warmUpBackend();
    setupRecord.variant = variant;
    setupRecord.fallbackReason = null;
    return backendStatus({ backend: 'wasm', threads, variant });
  } catch (e) {
    backend?.close();
    return refStatus((e as Error).message.replace(/^wasm backend: /, ''));
  }
}

function refStatus(reason: string): BackendStatus {
  return backendStatus({ backend: 'ref', threads: 1, variant: null, reason });
}
