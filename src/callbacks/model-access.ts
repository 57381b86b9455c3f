/**
 * What the built-in callbacks read and change on a model (Sequential and the functional Model
 * both have it). `Callback.model` is typed minimally so callbacks do not import the models; the
 * callbacks that need more check for it here, once, with a message naming the callback.
 */
import type { Optimizer } from '../optimizers/optimizer.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import type { Callback, CallbackModel } from './callback.js';

export interface TrainingModel extends CallbackModel {
  readonly name: string;
  readonly weights: Variable[];
  readonly trainableWeights: Variable[];
  readonly optimizer: Optimizer | null;
  getWeights(): Tensor[];
  setWeights(values: readonly Tensor[]): void;
  /** The epoch `fit` resumes at when set in onTrainBegin (read once by the fit loop). */
  resumeEpoch?: number | null;
}

/** The callback's model, checked to be a trainable model. */
export function trainingModel(callback: Callback, who: string): TrainingModel {
  const m = callback.model as Partial<TrainingModel> | null;
  if (m === null) throw new Error(`${who}: the callback has no model; pass it to fit({ callbacks: [...] })`);
  if (!Array.isArray(m.weights) || typeof m.getWeights !== 'function' || typeof m.setWeights !== 'function') {
    throw new Error(`${who}: the model must be a Sequential or functional Model (with weights, getWeights and setWeights)`);
  }
  return m as TrainingModel;
}

/** The model's optimizer; throws before compile. */
export function optimizerOf(callback: Callback, who: string): Optimizer {
  const optimizer = trainingModel(callback, who).optimizer;
  if (optimizer === null) throw new Error(`${who}: the model has no optimizer; call compile() first`);
  return optimizer;
}
