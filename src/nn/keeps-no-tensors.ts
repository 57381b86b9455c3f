/**
 * Fovea's own modules that keep no reference to the tensors they take or return, neither in a
 * field nor inside their output (a softmax's output remembers its logits, logits-origin.ts, and a
 * lazy log-softmax its input, so those are left out). Between two of them, an nn.Sequential
 * intermediate is reachable by no user code: nn.Sequential frees it once the next module has read
 * it (no graph) or marks it for `backward()` to free with the graph. A user's module, a subclass
 * of one of these, or one whose `forward` was replaced on the instance (to capture feature maps)
 * might keep a tensor, so the class must match exactly and `forward` be the class's own.
 */
import { AdaptiveAvgPool2d } from './adaptive-avg-pool.js';
import { ELU, GELU, Hardsigmoid, LeakyReLU, Mish, ReLU, ReLU6, SELU, SiLU, Softplus, Softsign, Tanh } from './activations.js';
import { BatchNorm2d } from './batchnorm.js';
import { Conv2d } from './conv.js';
import { Dropout } from './dropout-module.js';
import { Flatten } from './flatten.js';
import { Linear } from './linear.js';
import type { Module } from './module.js';
import { AvgPool2d, MaxPool2d } from './pooling.js';

const KEEP_NO_TENSORS: ReadonlySet<unknown> = new Set<unknown>([
  Conv2d, Linear, BatchNorm2d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, Flatten, Dropout,
  ReLU, ReLU6, LeakyReLU, ELU, SELU, GELU, SiLU, Mish, Softsign, Softplus, Hardsigmoid, Tanh,
]);

export function keepsNoTensors(m: Module): boolean {
  return KEEP_NO_TENSORS.has(m.constructor) && !Object.prototype.hasOwnProperty.call(m, 'forward');
}
