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
export * as layers from './layers/index.js';
export {
  Layer, Conv2D, MaxPooling2D, AveragePooling2D, MinPooling2D, Flatten, Dense, Activation, InputLayer,
  getActivation, getInitializer, layerFromConfig, registerLayer,
} from './layers/index.js';
export type { LayerArgs, CallOptions, SymbolicShape, Initializer } from './layers/index.js';
export { Sequential, mnistCnn } from './models/index.js';
export type { SequentialOptions, CompileOptions, EvaluateOptions, FitOptions } from './models/index.js';
export * as optimizers from './optimizers/index.js';
export { Optimizer, SGD, RMSprop, Adam, AdamW, getOptimizer } from './optimizers/index.js';
export * as losses from './losses/index.js';
export { getLoss } from './losses/index.js';
export * as metrics from './metrics/index.js';
export { getMetric } from './metrics/index.js';
export * as callbacks from './callbacks/index.js';
export { Callback, CallbackList, History, LambdaCallback, ProgbarLogger, setDefaultProgressRenderer } from './callbacks/index.js';
export type { Logs, ProgressRenderer } from './callbacks/index.js';
export { toCategorical } from './data/to-categorical.js';
export { parseIdx } from './data/idx.js';
export { withScope, keep } from './tensor/scope.js';
