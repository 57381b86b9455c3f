/**
 * `fovea/wasm`: the wasm backend's parts for programs that assemble it themselves (a custom
 * platform, a worker of their own). Pages use `useWasmBackendInBrowser` from the core, which imports
 * createWasmBackend only when it runs, so the kernels' code is not in the core bundle's first load.
 */
export { createWasmBackend } from './backend.js';
export type { WasmBackend, WasmBackendOptions } from './backend.js';
export { browserPlatform } from './browser-platform.js';
export type { BrowserPlatformOptions } from './browser-platform.js';
export { compileKernels, detectFeatures } from './loader.js';
export type { WasmFeatures, WasmVariant } from './loader.js';
export type { PoolInit, PoolWorker, WasmPlatform } from './platform.js';
