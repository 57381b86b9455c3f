/**
 * Per-sample weighting of a loss, with Keras's reduction: sum(w_i * values_i) / (number of
 * values), the weights scaling each sample's values, not renormalised. A loss with unreduced values
 * (every built-in one) is computed once and scaled, so it runs as it does unweighted (a softmax
 * output's cross-entropy from its logits, the sparse loss's kernel included). A user's function
 * gives only its batch mean, so it is called once per sample: exact for any loss that is a mean
 * over samples, at the cost of one small loss call each.
 */
import { add, div, mul } from '../ops/binary.js';
import { tensor } from '../ops/create.js';
import { mean } from '../ops/reduce.js';
import { slice } from '../ops/shape-ops.js';
import type { Tensor } from '../tensor/tensor.js';
import type { LossFn, ResolvedLoss } from '../losses/loss.js';

export function weightedLoss(loss: ResolvedLoss, yTrue: Tensor, yPred: Tensor, weights: Float32Array): Tensor {
  const n = yPred.shape[0];
  if (weights.length !== n) throw new Error(`sample weights: ${weights.length} weights for a batch of ${n} samples`);
  return loss.unreduced === null ? meanOfWeightedCalls(loss.fn, yTrue, yPred, weights) : weightedMean(loss.unreduced(yTrue, yPred), weights);
}

/** mean(values * w), w broadcast along every axis after the batch one. */
function weightedMean(values: Tensor, weights: Float32Array): Tensor {
  return mean(mul(values, tensor(weights, [weights.length, ...values.shape.slice(1).map(() => 1)])));
}

function meanOfWeightedCalls(fn: LossFn, yTrue: Tensor, yPred: Tensor, weights: Float32Array): Tensor {
  const n = weights.length;
  let total: Tensor | null = null;
  for (let i = 0; i < n; i++) {
    if (weights[i] === 0) continue;
    const one = (t: Tensor): Tensor => slice(t, [i, ...t.shape.slice(1).map(() => 0)], [1, ...t.shape.slice(1)]);
    const term = mul(fn(one(yTrue), one(yPred)), weights[i]);
    total = total === null ? term : add(total, term);
  }
  // An all-zero batch still yields a (zero) loss connected to the prediction.
  return div(total ?? mul(fn(yTrue, yPred), 0), n);
}

/** Keras's class weights as sample weights: the weight of each sample's class (sparse or one-hot targets). */
export function classWeightsFor(y: { values: ArrayLike<number>; sampleShape: readonly number[]; count: number }, classWeight: Record<number, number>): Float32Array {
  const width = y.sampleShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(y.count);
  for (let i = 0; i < y.count; i++) {
    let cls = Math.round(y.values[i * width]);
    if (width > 1) {
      cls = 0;
      for (let k = 1; k < width; k++) if (y.values[i * width + k] > y.values[i * width + cls]) cls = k;
    }
    const w = classWeight[cls];
    if (w === undefined) throw new Error(`fit: classWeight has no weight for class ${cls}; give one for every class (got classes ${Object.keys(classWeight).join(', ')})`);
    out[i] = w;
  }
  return out;
}
