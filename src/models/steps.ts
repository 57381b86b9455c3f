/**
 * One batch of training, testing or prediction. Each runs inside its own scope, so every tensor
 * made for the batch (activations, gradients, the batch itself) is released when it returns;
 * numbers are read with `.item()` before the scope ends.
 *
 * The loss a step minimises and reports is Keras's: the sum over outputs of lossWeight * loss
 * (weighted per sample when sample or class weights are given), plus every weight regularizer's
 * and activity regularizer's penalty.
 */
import { gradients } from '../autograd/backward.js';
import { noGrad } from '../autograd/grad-mode.js';
import { engine } from '../backend/engine.js';
import type { ResolvedLoss } from '../losses/loss.js';
import type { MetricFn } from '../metrics/metric.js';
import { add, mul } from '../ops/binary.js';
import type { GradientPair, Optimizer } from '../optimizers/optimizer.js';
import { withScope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import { weightedLoss } from './weighted-loss.js';

export interface CompiledState {
  optimizer: Optimizer;
  /** One loss per model output. */
  losses: ResolvedLoss[];
  /** The first output's loss (what a single-output model was compiled with). */
  loss: ResolvedLoss;
  lossWeights: number[];
  /** Each metric with the output it reads; `baseName` is its name without the output prefix. */
  metrics: { name: string; baseName: string; fn: MetricFn; output: number }[];
  /** The logged names: 'loss', per-output losses when there are several outputs, then metrics. */
  names: string[];
}

/** What a step needs from a model. */
export interface StepModel {
  forward(xs: Tensor[], training: boolean, losses?: Tensor[]): Tensor[];
  readonly trainableWeights: Variable[];
  /** The weight regularizers' penalties (trainable weights). */
  regularizationLosses(): Tensor[];
  applyConstraints(): void;
}

export interface Batch {
  xs: Tensor[];
  ys: Tensor[];
  /** Per-sample loss weights (sample and class weights combined), or null. */
  weights: Float32Array | null;
}

function outputLosses(compiled: CompiledState, batch: Batch, preds: Tensor[]): Tensor[] {
  if (preds.length !== batch.ys.length) throw new Error(`the model has ${preds.length} outputs but ${batch.ys.length} targets were given`);
  return preds.map((p, k) => {
    const loss = compiled.losses[k];
    return batch.weights === null ? loss.fn(batch.ys[k], p) : weightedLoss(loss, batch.ys[k], p, batch.weights);
  });
}

/** The total loss tensor and the numbers to log for it: [total, ...per-output when several]. */
function totalLoss(compiled: CompiledState, batch: Batch, preds: Tensor[], penalties: Tensor[]): Tensor {
  const perOutput = outputLosses(compiled, batch, preds);
  const terms = perOutput.map((l, k) => (compiled.lossWeights[k] === 1 ? l : mul(l, compiled.lossWeights[k])));
  return [...terms, ...penalties].reduce((a, b) => add(a, b));
}

/** Loss values then metrics for a batch, as numbers (metrics never record a graph). */
function logged(compiled: CompiledState, batch: Batch, preds: Tensor[], total: Tensor): number[] {
  return noGrad(() => {
    const perOutput = preds.length > 1 ? outputLosses(compiled, { ...batch, weights: batch.weights }, preds).map((l) => l.item()) : [];
    const metrics = compiled.metrics.map((m) => m.fn(batch.ys[m.output], preds[m.output]).item());
    return [total.item(), ...perOutput, ...metrics];
  });
}

/** Forward, loss, gradients, optimizer update, constraints. Returns the logged values for the batch. */
export function trainStep(model: StepModel, compiled: CompiledState, makeBatch: () => Batch): number[] {
  return withScope(() => {
    const batch = makeBatch();
    const activity: Tensor[] = [];
    const preds = model.forward(batch.xs, true, activity);
    const total = totalLoss(compiled, batch, preds, [...model.regularizationLosses(), ...activity]);
    const weights = model.trainableWeights;
    const grads = gradients(total, weights);
    const pairs: GradientPair[] = [];
    // A weight the loss does not depend on gets no gradient and no update (Keras warns and skips).
    weights.forEach((variable, i) => {
      const grad = grads[i];
      if (grad !== null) pairs.push({ variable, grad });
    });
    compiled.optimizer.applyGradients(pairs);
    model.applyConstraints();
    return logged(compiled, batch, preds, total);
  });
}

/** Forward in inference mode and the logged values (regularization included, as Keras reports). */
export function testStep(model: StepModel, compiled: CompiledState, makeBatch: () => Batch): number[] {
  return withScope(() =>
    noGrad(() => {
      const batch = makeBatch();
      const activity: Tensor[] = [];
      const preds = model.forward(batch.xs, false, activity);
      return logged(compiled, batch, preds, totalLoss(compiled, batch, preds, [...model.regularizationLosses(), ...activity]));
    }),
  );
}

/**
 * The batch's predictions (one per output) as tensors that outlive the step (the rest the step
 * made is released): no copy to the JS heap and back when one batch is the whole prediction. Each
 * is a tensor of its own: an output that is an input, or another output, comes back as a view.
 */
export function predictTensors(model: StepModel, makeInputs: () => Tensor[]): Tensor[] {
  return withScope(() =>
    noGrad(() => {
      const inputs = makeInputs();
      const seen = new Set<Tensor>(inputs);
      return model.forward(inputs, false).map((y) => {
        const own = seen.has(y) ? engine.makeView(y, y.shape) : y;
        seen.add(y);
        return own;
      });
    }),
  );
}

/** The batch's predictions (one per output), copied out as values before the scope releases them. */
export function predictStep(model: StepModel, makeInputs: () => Tensor[]): { values: Float32Array | Int32Array; shape: readonly number[] }[] {
  return withScope(() =>
    noGrad(() => model.forward(makeInputs(), false).map((y) => ({ values: y.dataSync(), shape: y.shape }))),
  );
}
