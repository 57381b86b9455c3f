/**
 * Folding an inference-mode batch normalization into the conv before it. With
 * s = gamma / sqrt(variance + epsilon) per output channel,
 *
 *   BN(conv(x, w) + b) = conv(x, w * s) + (b - mean) * s + beta
 *
 * exactly, up to float32 rounding. One conv kernel then does what took a conv and five
 * elementwise passes over its output (sub, add, sqrt, div, mul, add).
 *
 * Without gradient recording (predict, evaluate) the folded weights are computed once and kept
 * until any of the six variables takes new values (`Variable.version`): a training step or
 * `setWeights` invalidates them, so no stale fold is ever run. While gradients are recorded, the
 * fold runs as ordinary ops on every call, so the gradients of the conv and BN weights are the
 * exact gradients of the composition.
 */
import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { engine } from '../backend/engine.js';
import { add, div, mul, sub } from '../ops/binary.js';
import { reshape } from '../ops/shape-ops.js';
import { neg, sqrt } from '../ops/unary.js';
import { keep } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/variable.js';
import type { ConvWeights } from './stage.js';

/** What a batch normalization computes at inference, per channel. */
export interface BatchNormStatistics {
  readonly gamma: Tensor | null;
  readonly beta: Tensor | null;
  readonly mean: Tensor;
  readonly variance: Tensor;
  readonly epsilon: number;
}

/** `weights` with `bn` folded in, as ops (differentiable in every operand). */
export function foldBatchNorm(weights: ConvWeights, bn: BatchNormStatistics): ConvWeights {
  const { kernel, bias, outAxes } = weights;
  const inverseStd = div(1, sqrt(add(bn.variance, bn.epsilon)));
  const scale = bn.gamma === null ? inverseStd : mul(bn.gamma, inverseStd);
  const scaleShape = kernel.shape.map((d, i) => (outAxes.includes(i) ? d : 1));
  const centered = bias === null ? neg(bn.mean) : sub(bias, bn.mean);
  const shifted = mul(centered, scale);
  return {
    kernel: mul(kernel, reshape(scale, scaleShape)),
    bias: bn.beta === null ? shifted : add(shifted, bn.beta),
    outAxes,
  };
}

/**
 * One batch normalization's folded weights, kept for the conv it last followed. A layer or module
 * that normalizes owns one.
 */
export class FoldedWeightsCache {
  #key: readonly unknown[] = [];
  #folded: ConvWeights | null = null;

  fold(weights: ConvWeights, bn: BatchNormStatistics): ConvWeights {
    const operands = [weights.kernel, weights.bias, bn.gamma, bn.beta, bn.mean, bn.variance];
    if (isGradEnabled() && operands.some((t) => t?.requiresGrad === true)) return foldBatchNorm(weights, bn);
    const key = [...operands.flatMap((t) => [t, t instanceof Variable ? t.version : 0]), bn.epsilon, ...weights.outAxes];
    if (this.#folded === null || !sameKey(key, this.#key)) {
      this.#release();
      const folded = noGrad(() => inKernelOrder(foldBatchNorm(weights, bn), weights.kernel));
      // Made inside a prediction step, they outlive it (the step releases what it made).
      keep(folded.kernel);
      if (folded.bias !== null) keep(folded.bias);
      this.#folded = folded;
      this.#key = key;
    }
    return this.#folded;
  }

  #release(): void {
    this.#folded?.kernel.release();
    this.#folded?.bias?.release();
    this.#folded = null;
  }
}

/**
 * The folded kernel stored as the conv's own kernel is (nn.Conv2d keeps its OIHW weight HWIO in
 * storage, tensor/layout.ts), so the conv reads it as it is on every call instead of reordering it.
 */
function inKernelOrder(folded: ConvWeights, kernel: Tensor): ConvWeights {
  const order = kernel.storedOrder;
  if (order === null) return folded;
  const stored = engine.inStoredOrder(folded.kernel, order);
  stored.keepsLayout = true;
  if (stored !== folded.kernel) folded.kernel.release();
  return { ...folded, kernel: stored };
}

function sameKey(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
