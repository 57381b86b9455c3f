/**
 * The one-time console notice of a browser page that never set up the wasm backend: its first
 * heavy kernel (a convolution or a matrix product) runs on the plain-JavaScript 'ref' backend, 15-40x
 * slower, and nothing else would say so. TensorFlow.js users know the same kind of one-time hint
 * (its "looks like you are running in Node.js" notice). Node registers wasm itself, so it gets none.
 */
import { isNode } from './backend-status.js';
import { engine } from './engine.js';
import type { KernelId } from './kernels.js';

/** Kernels whose speed decides a training or inference run: the notice waits for one of these. */
const HEAVY_KERNELS: ReadonlySet<KernelId> = new Set<KernelId>(['Conv2D', 'Conv2DPool', 'Conv2DPointwise', 'MatMul', 'Conv2DBackpropFilter', 'Conv2DBackpropInput']);

export const DEFAULT_REF_NOTICE = "fovea: running on the 'ref' backend (plain JavaScript kernels, 15-40x slower than 'wasm') because " +
  'useWasmBackendInBrowser() was not called: await useWasmBackendInBrowser({ kernelsUrl }) before the first op; getBackendStatus() tells what runs';

/** Watches the engine for the first heavy kernel on a default 'ref' backend (browsers only). */
export function installDefaultBackendNotice(log: (message: string) => void = (m) => console.info(m)): void {
  if (isNode()) return;
  engine.defaultBackendWatch = (backend, id) => {
    if (backend !== 'ref') return true;
    if (!HEAVY_KERNELS.has(id)) return false;
    log(DEFAULT_REF_NOTICE);
    return true;
  };
}
