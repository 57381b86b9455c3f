/**
 * The two WebAssembly objects that Fovea's public signatures pass around, named by their shape.
 * `WebAssembly.Memory` and `WebAssembly.Module` are declared only by TypeScript's DOM lib, so
 * declarations naming them failed to compile in a Node project (lib ES2022 + @types/node, no DOM).
 * A real `WebAssembly.Memory` or `WebAssembly.Module` is assignable to these.
 */

/** A WebAssembly linear memory: its (growable, possibly shared) buffer. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}

/** A compiled WebAssembly module (opaque: only instantiated or posted to workers). */
export type WasmModule = object;

/**
 * Instantiates the kernel module over `memory`, its one import. The memory must be a real
 * `WebAssembly.Memory` (the structural type above cannot say so); anything else is refused here
 * rather than by the engine's less specific LinkError.
 */
export function instantiateKernelModule(module: WasmModule, memory: WasmMemory): Record<string, unknown> {
  if (!(memory instanceof WebAssembly.Memory)) {
    throw new TypeError(`wasm backend: instantiateKernelModule expects a WebAssembly.Memory, got ${describe(memory)}`);
  }
  if (!(module instanceof WebAssembly.Module)) {
    throw new TypeError(`wasm backend: instantiateKernelModule expects a WebAssembly.Module, got ${describe(module)}`);
  }
  return new WebAssembly.Instance(module, { env: { memory } }).exports;
}

function describe(value: object): string {
  return value?.constructor?.name ?? typeof value;
}
