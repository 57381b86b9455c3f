/**
 * Keras activation names mapped to ops. Names are stored in configs in Keras's snake_case
 * ('leaky_relu'); camelCase spellings ('leakyRelu', 'hardSigmoid') are accepted too.
 * Conv2D and Dense fuse 'linear', 'relu' and 'relu6' into their kernel; other activations run as a
 * separate op after it.
 */
import type { FusedActivation } from '../backend/kernels.js';
import * as ops from '../ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { unknownNameError } from '../names/unknown-name.js';
import type { SnakeOrCamel } from '../names/spellings.js';

export type ActivationFn = (x: Tensor) => Tensor;

export interface ResolvedActivation {
  /** Keras's canonical name, written to configs. */
  readonly name: string;
  readonly fn: ActivationFn;
  /** Set when a conv/matmul kernel can apply this activation itself. */
  readonly fused: FusedActivation | null;
}

const table = {
  linear: (x) => x,
  relu: ops.relu,
  relu6: ops.relu6,
  // Keras 3's leaky_relu default slope is 0.2.
  leaky_relu: (x) => ops.leakyRelu(x, 0.2),
  elu: (x) => ops.elu(x, 1),
  selu: ops.selu,
  gelu: ops.gelu,
  sigmoid: ops.sigmoid,
  hard_sigmoid: ops.hardSigmoid,
  tanh: ops.tanh,
  softplus: ops.softplus,
  softsign: ops.softsign,
  swish: ops.swish,
  silu: ops.swish,
  mish: ops.mish,
  sinc: ops.sinc,
  step: ops.step,
  log_sigmoid: ops.logSigmoid,
  softmax: (x) => ops.softmax(x, -1),
  log_softmax: (x) => ops.logSoftmax(x, -1),
} satisfies Record<string, ActivationFn>;

/** Keras's activation names ('leaky_relu'), and their camelCase spellings ('leakyRelu'). */
export type ActivationName = SnakeOrCamel<keyof typeof table>;

export const ACTIVATION_NAMES: readonly string[] = Object.keys(table);

/** 'hardSigmoid' -> 'hard_sigmoid'; snake_case names pass through. */
function toSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * Resolves an activation name; null, undefined and 'linear' mean identity. It takes any string
 * (names read from files, JavaScript callers) and refuses an unknown one with the closest valid
 * name; `where` says where it was given (`Layer "conv2d" (Conv2D)`).
 */
export function getActivation(name: string | null | undefined, where?: string): ResolvedActivation {
  const canonical = name === null || name === undefined ? 'linear' : typeof name === 'string' ? toSnake(name) : '';
  const fn = (table as Record<string, ActivationFn>)[canonical];
  if (fn === undefined || !Object.hasOwn(table, canonical)) throw unknownNameError('activation', name, ACTIVATION_NAMES, where);
  const fused: FusedActivation | null = canonical === 'linear' || canonical === 'relu' || canonical === 'relu6' ? canonical : null;
  return { name: canonical, fn, fused };
}
