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


export { detectFeatures, unsupportedNotice, type WasmFeatures } from './features.js';

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
