/** `optim`: PyTorch-style optimizers for nn modules (zeroGrad / step on `.grad`). */
export { Optimizer } from './optimizer.js';
export type { ParamGroup, ParamsArg, PendingUpdate } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { Adam } from './adam.js';
export type { AdamOptions } from './adam.js';
export { RMSprop } from './rmsprop.js';
export type { RMSpropOptions } from './rmsprop.js';
