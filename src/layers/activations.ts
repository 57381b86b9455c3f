/**
 * Keras activation names mapped to ops. Names are stored in configs in Keras's snake_case
 * ('leaky_relu'); camelCase spellings ('leakyRelu', 'hardSigmoid') are accepted too.
 * Conv2D and Dense fuse 'linear' and 'relu' into their kernel; other activations run as a
 * separate op after it.
 */
import type { FusedActivation } from '../backend/kernels.js';
import * as ops from '../ops/index.js';
import type { Tensor } from '../tensor/tensor.js';

export type ActivationFn = (x: Tensor) => Tensor;

export interface ResolvedActivation {
  /** Keras's canonical name, written to configs. */
  readonly name: string;
  readonly fn: ActivationFn;
  /** Set when a conv/matmul kernel can apply this activation itself. */
  readonly fused: FusedActivation | null;
}

const table: Record<string, ActivationFn> = {
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
};

export const ACTIVATION_NAMES: readonly string[] = Object.keys(table);

/** 'hardSigmoid' -> 'hard_sigmoid'; snake_case names pass through. */
function toSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Resolves an activation name; null, undefined and 'linear' mean identity. */
export function getActivation(name: string | null | undefined): ResolvedActivation {
  const canonical = name === null || name === undefined ? 'linear' : toSnake(name);
  const fn = table[canonical];
  if (fn === undefined) {
    throw new Error(`Unknown activation '${name}'; valid names: ${ACTIVATION_NAMES.join(', ')}`);
  }
  const fused: FusedActivation | null = canonical === 'linear' || canonical === 'relu' ? canonical : null;
  return { name: canonical, fn, fused };
}
