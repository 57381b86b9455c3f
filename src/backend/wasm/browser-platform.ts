/**
 * The browser host of the wasm backend: Web Workers (module workers running browser-worker.js)
 * and fetch for the kernel bytes. Threads need a cross-origin isolated page (SharedArrayBuffer).
 */
import { diagnoseWorkerScript, fetchKernelBytes } from './browser-fetch.js';
import type { WasmVariant } from './loader.js';
import type { PoolInit, PoolWorker, WasmPlatform } from './platform.js';

export interface BrowserPlatformOptions {
  /** Where fovea-simd.wasm and fovea-relaxed.wasm are served (a URL ending in '/'). */
  kernelsUrl: string | URL;
  /**
   * Where the worker script is served (the package's `fovea/browser-worker` entry, bundled as an
   * ES module). Default: `browser-worker.js` beside this module, which Vite and webpack find
   * themselves; an esbuild bundle needs it beside the bundle or here, an iife bundle always here.
   */
  workerUrl?: string | URL;
  /** How long a worker may take to start before the setup gives up on it (ms, default 20000). */
  workerTimeoutMs?: number;
}

/** The default worker's file name, kept apart from the `new Worker(new URL(...))` that bundlers rewrite. */
const WORKER_FILE = 'browser-worker.js';

/** `href` resolved against the page, so a relative URL is accepted as `fetch` would accept it. */
export function resolveUrl(href: string | URL): URL {
  return new URL(href, globalThis.location?.href);
}

/**
 * Where the default worker script is expected: beside this module, which needs `import.meta.url`.
 * An iife or CommonJS bundle has none; naming `workerUrl` there beats the engine's "Invalid URL".
 */
export function defaultWorkerUrl(): URL {
  const base: unknown = import.meta.url;
  if (typeof base !== 'string' || base === '') {
    throw new Error('the worker script cannot be located: this bundle has no import.meta.url (an iife or CommonJS bundle); ' +
      "pass workerUrl, where the 'fovea/browser-worker' entry is served as an ES module");
  }
  return new URL(WORKER_FILE, base);
}

function startWorker(workerUrl: URL | null): Worker {
  // The literal form lets Vite and webpack find, bundle and emit the worker script.
  return workerUrl === null
    ? new Worker(new URL('./browser-worker.js', import.meta.url), { type: 'module' })
    : new Worker(workerUrl, { type: 'module' });
}

/**
 * Resolves when the worker reports that it runs its job loop; rejects naming the script's URL and
 * what a fresh request for it answers, on the worker's error event or after `timeoutMs`.
 */
function workerReady(worker: Worker, url: URL, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const fail = (what: string): void => {
      clearTimeout(timer);
      void diagnoseWorkerScript(url).then((cause) => reject(new Error(`the worker script ${url.href} ${what}${cause === null ? '' : `: ${cause}`}`)));
    };
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs} ms`), timeoutMs);
    worker.addEventListener('message', () => { clearTimeout(timer); resolve(); }, { once: true });
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      fail(`failed to start${e.message ? ` (${e.message})` : ''}`);
    }, { once: true });
  });
}

export function browserPlatform(options: BrowserPlatformOptions): WasmPlatform {
  const workerUrl = options.workerUrl === undefined ? null : resolveUrl(options.workerUrl);
  const timeoutMs = options.workerTimeoutMs ?? 20_000;
  return {
    name: 'browser',
    hardwareConcurrency: () => globalThis.navigator?.hardwareConcurrency ?? 1,
    readKernels(variant: WasmVariant): Promise<Uint8Array<ArrayBuffer>> {
      return fetchKernelBytes(new URL(`fovea-${variant}.wasm`, resolveUrl(options.kernelsUrl)));
    },
    spawnWorker(init: PoolInit): PoolWorker {
      const url = workerUrl ?? defaultWorkerUrl();
      const worker = startWorker(workerUrl);
      const ready = workerReady(worker, url, timeoutMs);
      ready.catch(() => { /* the setup awaits `ready` and reports; parallel kernels never wait for a worker */ });
      worker.postMessage(init);
      return { ready, terminate: () => worker.terminate() };
    },
  };
}
