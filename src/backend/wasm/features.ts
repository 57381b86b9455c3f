/**
 * What this engine supports of what the wasm backend needs (SIMD, shared memory), probed without
 * loading the kernels: a page asks before it fetches or compiles anything, so this module stays
 * apart from the loader and its generated export table, which load only when wasm is set up.
 */

// (module (func (result v128) (v128.const i32x4 0 0 0 0)))
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
]);

export interface WasmFeatures {
  simd: boolean;
  /** SharedArrayBuffer + Atomics + shared WebAssembly.Memory (needed even for one thread). */
  threads: boolean;
}

/** What this engine supports; the backend needs both. */
export function detectFeatures(): WasmFeatures {
  const simd = typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  let threads = typeof SharedArrayBuffer === 'function' && typeof Atomics === 'object';
  if (threads) {
    try {
      threads = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
    } catch {
      threads = false;
    }
  }
  return { simd, threads };
}

/** The one-line notice when the engine lacks what the backend needs, or null when it has it all. */
export function unsupportedNotice(features: WasmFeatures): string | null {
  if (features.simd && features.threads) return null;
  const missing = [!features.simd && 'WebAssembly SIMD', !features.threads && 'shared memory'].filter(Boolean).join(' and ');
  return `fovea: ${missing} unavailable in this engine; the 'wasm' backend falls back to 'ref'`;
}
