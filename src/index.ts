/**
 * Fovea's public API (browser-safe core). Node-only helpers (MNIST files, terminal progress bar)
 * are added by `node.ts`, which is what `import 'fovea'` resolves to in Node.
 */
import './backend/register.js';

export * as ops from './ops/index.js';
export * from './ops/index.js';
export { Tensor } from './tensor/tensor.js';
export { Variable } from './tensor/variable.js';
export { Random } from './tensor/random.js';
export type { DType, DataArray } from './tensor/dtype.js';
export { convOutputSize, samePadding } from './tensor/shape.js';
export type { Shape } from './tensor/shape.js';
export { gradients, backward } from './autograd/backward.js';
export { noGrad, isGradEnabled } from './autograd/grad-mode.js';
export { engine, setBackend, getBackend, memory } from './backend/engine.js';
export type { Backend } from './backend/backend.js';
export type { KernelId, KernelSpecs } from './backend/kernels.js';
