/**
 * The browser host of the wasm backend: Web Workers (module workers running browser-worker.js)
 * and fetch for the kernel bytes. Threads need a cross-origin isolated page (SharedArrayBuffer).
 */
import type { WasmVariant } from './loader.js';
import type { PoolInit, PoolWorker, WasmPlatform } from './platform.js';

export interface BrowserPlatformOptions {
  /** Where fovea-simd.wasm and fovea-relaxed.wasm are served (a URL ending in '/'). */
  kernelsUrl: string | URL;
}

export function browserPlatform(options: BrowserPlatformOptions): WasmPlatform {
  return {
    name: 'browser',
    hardwareConcurrency: () => globalThis.navigator?.hardwareConcurrency ?? 1,
    async readKernels(variant: WasmVariant): Promise<Uint8Array<ArrayBuffer>> {
      const url = new URL(`fovea-${variant}.wasm`, options.kernelsUrl);
      const res = await fetch(url);
      if (!res.ok) throw new Error(`wasm backend: fetching ${url.href} failed with HTTP ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    },
    spawnWorker(init: PoolInit): PoolWorker {
      const worker = new Worker(new URL('./browser-worker.js', import.meta.url), { type: 'module' });
      const ready = new Promise<void>((resolve, reject) => {
        worker.addEventListener('message', () => resolve(), { once: true });
        worker.addEventListener('error', (e) => reject(new Error(`wasm backend: worker failed: ${e.message}`)), { once: true });
      });
      ready.catch(() => { /* the pool keeps working without this worker */ });
      worker.postMessage(init);
      return { ready, terminate: () => worker.terminate() };
    },
  };
}
