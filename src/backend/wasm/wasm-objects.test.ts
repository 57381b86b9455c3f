import assert from 'node:assert/strict';
import { test } from 'node:test';
import { instantiateKernelModule, type WasmMemory } from './wasm-objects.js';

// The smallest module importing env.memory: magic, version, one import section entry (memory, 1 page).
const IMPORTS_MEMORY = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x02, 0x0f, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x01,
]);

test('a real memory and module instantiate; a look-alike memory is refused by name', () => {
  const module = new WebAssembly.Module(IMPORTS_MEMORY);
  assert.deepEqual(Object.keys(instantiateKernelModule(module, new WebAssembly.Memory({ initial: 1 }))), []);
  const lookAlike: WasmMemory = { buffer: new ArrayBuffer(65536), grow: () => 1 };
  assert.throws(() => instantiateKernelModule(module, lookAlike), /^TypeError: wasm backend: instantiateKernelModule expects a WebAssembly.Memory, got Object$/);
  assert.throws(() => instantiateKernelModule({}, new WebAssembly.Memory({ initial: 1 })), /expects a WebAssembly.Module, got Object/);
});
