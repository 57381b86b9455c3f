/**
 * useWasmBackendInBrowser: the browser's counterpart of Node's registerWasmBackend. It fetches and
 * compiles the kernels (asynchronously, as browsers require for large modules), starts the Web
 * Workers, registers 'wasm' with the engine and selects it. Where the page lacks WebAssembly SIMD
 * or shared memory (SharedArrayBuffer needs a cross-origin isolated page: COOP same-origin and
 * COEP require-corp headers) it prints one line and selects 'ref' instead.
 *
 * Example: `await useWasmBackendInBrowser({ kernelsUrl: '/node_modules/fovea/wasm/build/' })`.
 */
import { engine } from '../engine.js';
import { createWasmBackend } from './backend.js';
import { browserPlatform } from './browser-platform.js';
import { compileKernels, detectFeatures, unsupportedNotice, type WasmVariant } from './loader.js';
import { MAX_THREADS } from './pool.js';

export interface BrowserWasmOptions {
  /** Where fovea-simd.wasm and fovea-relaxed.wasm are served (a URL ending in '/'). */
  kernelsUrl: string | URL;
  /** Threads including the main one; default navigator.hardwareConcurrency (at most 6). */
  threads?: number;
  /** Kernel build to use; default the best the browser supports. */
  variant?: WasmVariant | 'auto';
}

let started: Promise<'wasm' | 'ref'> | null = null;

/**
 * Resolves to the backend now active: 'wasm', or 'ref' where wasm cannot run. Later calls select
 * that backend again and resolve to it (the kernels and workers are set up once per page); after a
 * failure (e.g. the kernels could not be fetched) the next call tries again.
 */
export function useWasmBackendInBrowser(options: BrowserWasmOptions): Promise<'wasm' | 'ref'> {
  started ??= start(options).catch((e: unknown) => {
    started = null;
    throw e;
  });
  return started.then((name) => {
    engine.setBackend(name);
    return name;
  });
}

async function start(options: BrowserWasmOptions): Promise<'wasm' | 'ref'> {
  const notice = unsupportedNotice(detectFeatures());
  if (notice !== null) {
    console.warn(notice);
    engine.setBackend('ref');
    return 'ref';
  }
  const platform = browserPlatform({ kernelsUrl: options.kernelsUrl });
  const { module } = await compileKernels(platform, options.variant ?? 'auto');
  const threads = options.threads ?? Math.max(1, Math.min(MAX_THREADS, platform.hardwareConcurrency()));
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new Error(`useWasmBackendInBrowser: threads must be an integer in [1, ${MAX_THREADS}], got ${threads}`);
  }
  const backend = createWasmBackend({ module, threads, platform });
  engine.registerBackend('wasm', () => backend, 2);
  engine.setBackend('wasm');
  // [browser-loop, issue 15] The first epoch at full speed: wait for the Web Workers and run the
  // kernels until the browser has optimized them (models/warm-up.ts says why). Loaded on demand
  // so this backend module does not import the model layers statically.
  await (await import('../../models/warm-up.js')).warmUpBackend();
  return 'wasm';
}
