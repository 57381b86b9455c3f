/**
 * Kernel module plumbing shared by every host: feature detection, the shared memory and
 * instantiation. Reading and compiling the .wasm bytes is the platform's job (platform.ts).
 */
import type { WasmPlatform } from './platform.js';
import { KERNEL_PARAMS, type KernelExports } from './generated/kernel-exports.js';
import { instantiateKernelModule, type WasmMemory, type WasmModule } from './wasm-objects.js';

/** Page limits; must match wasm/build.mjs (the module declares them on its memory import). */
export const INITIAL_PAGES = 256;
export const MAXIMUM_PAGES = 32768;

export type WasmVariant = 'relaxed' | 'simd';


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

/** Compiles the best variant the engine validates (relaxed SIMD first) from synchronous bytes. */
export function compileKernelsSync(platform: WasmPlatform, prefer: WasmVariant | 'auto' = 'auto'): { module: WasmModule; variant: WasmVariant } {
  platform.prepareEngine?.();
  for (const variant of candidates(prefer)) {
    const bytes = platform.readKernels(variant);
    if (bytes instanceof Promise) throw new Error(`wasm backend: platform '${platform.name}' reads kernels asynchronously; use compileKernels`);
    if (WebAssembly.validate(bytes)) return { module: new WebAssembly.Module(bytes), variant };
  }
  throw new Error('wasm backend: this engine validates neither the relaxed-SIMD nor the SIMD kernel build');
}

/** Async variant of compileKernelsSync (browsers fetch the bytes). */
export async function compileKernels(platform: WasmPlatform, prefer: WasmVariant | 'auto' = 'auto'): Promise<{ module: WasmModule; variant: WasmVariant }> {
  platform.prepareEngine?.();
  for (const variant of candidates(prefer)) {
    const bytes = await platform.readKernels(variant);
    if (WebAssembly.validate(bytes)) return { module: await WebAssembly.compile(bytes), variant };
  }
  throw new Error('wasm backend: this engine validates neither the relaxed-SIMD nor the SIMD kernel build');
}

function candidates(prefer: WasmVariant | 'auto'): WasmVariant[] {
  return prefer === 'auto' ? ['relaxed', 'simd'] : [prefer];
}

export function createMemory(initialPages = INITIAL_PAGES): WasmMemory {
  return new WebAssembly.Memory({ initial: initialPages, maximum: MAXIMUM_PAGES, shared: true });
}

export function instantiate(module: WasmModule, memory: WasmMemory): KernelExports {
  const exports = instantiateKernelModule(module, memory);
  checkExports(exports);
  return exports as unknown as KernelExports;
}

/**
 * Checks the module against the generated declarations (a stale .wasm beside fresh JS would
 * otherwise call kernels with shifted arguments): each declared export exists with its arity.
 */
export function checkExports(exports: Readonly<Record<string, unknown>>): void {
  for (const [name, params] of Object.entries(KERNEL_PARAMS)) {
    const f = exports[name];
    if (typeof f !== 'function' || f.length !== params.length) {
      const found = typeof f === 'function' ? `takes ${f.length} arguments` : 'is missing';
      throw new Error(`wasm backend: the kernel module is out of date: export '${name}' ${found}, the declarations say ${params.length} (rebuild with npm run build)`);
    }
  }
}
