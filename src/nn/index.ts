/**
 * `nn`: PyTorch-style modules on NCHW tensors (OIHW conv weights), the functional `F`, and
 * `optim`. Importing this barrel also installs the Tensor methods of tensor-methods.ts.
 */
import './tensor-methods.js';

export { Module } from './module.js';
export type { StateDict, LoadStateDictOptions } from './module.js';
export { Parameter } from './parameter.js';
export { manualSeed } from './init.js';
export { Conv2d } from './conv.js';
export type { Conv2dOptions } from './conv.js';
export { Linear } from './linear.js';
export type { LinearOptions } from './linear.js';
export { MaxPool2d, AvgPool2d } from './pooling.js';
export type { Pool2dOptions, AvgPool2dOptions } from './pooling.js';
export { Flatten } from './flatten.js';
export { AdaptiveAvgPool2d } from './adaptive-avg-pool.js';
export type { AdaptiveSize } from './adaptive-avg-pool.js';
export { Dropout } from './dropout-module.js';
export { BatchNorm2d } from './batchnorm.js';
export type { BatchNorm2dOptions } from './batchnorm.js';
export { Sequential } from './sequential.js';
export {
  ReLU, ReLU6, LeakyReLU, ELU, SELU, GELU, Sigmoid, Tanh, SiLU, Mish, Softsign, Softplus, Hardsigmoid, LogSigmoid,
  Identity, Softmax, LogSoftmax,
} from './activations.js';
export { CrossEntropyLoss, NLLLoss, MSELoss, L1Loss } from './loss-modules.js';
export { summary, traceForward } from './summary.js';
export type { TraceRow, ForwardTrace } from './summary.js';
export type { WindowOp } from './trace.js';
export type { PaddingMode, ModulePadding } from './padding.js';
export * as F from './functional.js';
export * as optim from './optim/index.js';
export { DataLoader } from './data-loader.js';
export type { DataLoaderOptions } from './data-loader.js';
