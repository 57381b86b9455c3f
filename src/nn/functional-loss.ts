/**
 * PyTorch's loss functions. Class targets are int32 indices (PyTorch's int64); `crossEntropy`
 * also takes float32 class probabilities of the input's shape, as PyTorch does.
 *
 *   nllLoss(logp, t)      = -logp[i, t_i], averaged over the batch ('mean', the default)
 *   crossEntropy(z, t)    = nllLoss(logSoftmax(z, 1), t), from the logits in one kernel
 * Class targets go to the kernels as indices (SparseSoftmaxCrossEntropy): no one-hot tensor, its
 * kernel or its graph input per step.
 */
import { mul, sub } from '../ops/binary.js';
import { mean, sum } from '../ops/reduce.js';
import { neg, abs, square } from '../ops/unary.js';
import { oneHot } from '../ops/shape-ops.js';
import { softmaxCrossEntropy } from '../ops/softmax-cross-entropy.js';
import { sparseSoftmaxCrossEntropy } from '../ops/sparse-softmax-cross-entropy.js';
import { ClassIndexError } from '../backend/class-index-error.js';
import { logSoftmaxLogitsOf } from '../ops/logits-origin.js';
import { shapesEqual, shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

export type Reduction = 'mean' | 'sum' | 'none';

export interface LossOptions {
  reduction?: Reduction;
}

function reduce(perSample: Tensor, reduction: Reduction, where: string): Tensor {
  if (reduction === 'none') return perSample;
  if (reduction !== 'mean' && reduction !== 'sum') {
    throw new Error(`${where}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
  const loss = reduction === 'mean' ? mean(perSample) : sum(perSample);
  dropWith(perSample, loss);
  return loss;
}

/**
 * A tensor the loss made for itself (the per-sample losses), which only
 * `result`'s graph holds: released by `backward()` when it frees the graph, or now when no graph
 * was recorded. Left to the collector, an unscoped (PyTorch-style) step registered four per step.
 */
function dropWith(own: Tensor, result: Tensor): Tensor {
  if (result.gradNode !== null) own.internal = true;
  else own.release();
  return result;
}

function checkClassTargets(input: Tensor, target: Tensor, where: string): void {
  if (input.rank !== 2) throw new Error(`${where}: expected input [batch, classes], got shape ${shapeToString(input.shape)}`);
  if (target.dtype !== 'int32') throw new Error(`${where}: expected int32 class indices as target, got ${target.dtype} of shape ${shapeToString(target.shape)}`);
  if (target.rank !== 1 || target.shape[0] !== input.shape[0]) {
    throw new Error(`${where}: target shape ${shapeToString(target.shape)} does not match input ${shapeToString(input.shape)}; expected [${input.shape[0]}]`);
  }
}

/** Each class index read on the host: only for the one-hot path, whose OneHot kernel checks no range. */
function checkClassRange(input: Tensor, target: Tensor, where: string): void {
  const classes = input.shape[1]!;
  // An indexed loop over the copy: Array.from and find allocated an array and a closure per step.
  const values = target.dataSync();
  for (let i = 0; i < values.length; i++) {
    const t = values[i]!;
    if (t < 0 || t >= classes) throw classOutside(where, t, classes);
  }
}

const classOutside = (where: string, t: number, classes: number) => new Error(`${where}: target class ${t} is outside 0..${classes - 1}`);

/**
 * The per-sample losses from the sparse kernel, which checks every class index as it reads it: its
 * error is said as the loss's own. The targets are not read on the host first (a dataSync per step).
 */
function sparseLosses(target: Tensor, logits: Tensor, where: string): Tensor {
  try {
    return sparseSoftmaxCrossEntropy(target, logits);
  } catch (e) {
    if (e instanceof ClassIndexError) throw classOutside(where, e.classIndex, e.classes);
    throw e;
  }
}

/** Negative log-likelihood of log-probabilities `input` [N, C] for class indices `target` [N]. */
export function nllLoss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  checkClassTargets(input, target, 'F.nllLoss');
  const logits = logSoftmaxLogitsOf(input, 1);
  if (logits !== null) return reduce(sparseLosses(target, logits, 'F.nllLoss'), options.reduction ?? 'mean', 'F.nllLoss');
  checkClassRange(input, target, 'F.nllLoss');
  const picked = sum(mul(input, oneHot(target, input.shape[1])), 1);
  return reduce(neg(picked), options.reduction ?? 'mean', 'F.nllLoss');
}

/**
 * Softmax cross-entropy from logits [N, C]; target: class indices [N] or probabilities [N, C].
 * One SoftmaxCrossEntropy kernel each way (float64 inside) rather than logSoftmax and a pick.
 */
export function crossEntropy(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const classes = target.dtype === 'int32';
  if (classes) checkClassTargets(input, target, 'F.crossEntropy');
  else if (!shapesEqual(target.shape, input.shape)) {
    throw new Error(`F.crossEntropy: probability targets must have the input's shape ${shapeToString(input.shape)}, got ${shapeToString(target.shape)}`);
  }
  // Log-probabilities (F.logSoftmax's output) have the cross-entropy of their logits.
  const logits = logSoftmaxLogitsOf(input, 1) ?? input;
  const perSample = classes ? sparseLosses(target, logits, 'F.crossEntropy') : softmaxCrossEntropy(target, logits, 1);
  return reduce(perSample, options.reduction ?? 'mean', 'F.crossEntropy');
}

function elementwiseLoss(name: string, f: (d: Tensor) => Tensor) {
  return (input: Tensor, target: Tensor, options: LossOptions = {}): Tensor => {
    if (!shapesEqual(input.shape, target.shape)) {
      throw new Error(`F.${name}: input ${shapeToString(input.shape)} and target ${shapeToString(target.shape)} must have the same shape`);
    }
    return reduce(f(sub(input, target)), options.reduction ?? 'mean', `F.${name}`);
  };
}

/** Mean of squared differences. */
export const mseLoss = elementwiseLoss('mseLoss', square);
/** Mean of absolute differences. */
export const l1Loss = elementwiseLoss('l1Loss', abs);
