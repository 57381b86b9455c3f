/**
 * A training run's state in one safetensors file, what BackupAndRestore writes and reads: every
 * model weight (`model/<weight>`), the optimizer's step count and slots (`optimizer/iter`,
 * `optimizer/<weight>/<slot>`, as model files store them), the EMA averages (`ema/<weight>`), and
 * in the metadata the epoch and batch reached and the learning rate (which callbacks such as
 * ReduceLROnPlateau may have changed). One file, so one atomic write covers all of it.
 */
import { ModelFormatError } from '../io/model-format-error.js';
import { optimizerWeights, prepareOptimizerState } from '../io/optimizer-state.js';
import { entryValues, readSafetensors, type SafetensorsInput, writeSafetensors } from '../io/safetensors.js';
import type { NamedWeight } from '../io/weights-codec.js';
import { tensor } from '../ops/create.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { shapesEqual, shapeToString } from '../tensor/shape.js';
import type { TrainingModel } from './model-access.js';

export const TRAINING_STATE_FORMAT = 'fovea-training-state-1';

export interface TrainingProgress {
  /** The epoch to resume at (epochs before it are complete). */
  epoch: number;
  /** Batches of that epoch done when the state was saved (0 at an epoch boundary). */
  batch: number;
}

function compiledOptimizer(model: TrainingModel, who: string): Optimizer {
  if (model.optimizer === null) throw new Error(`${who}: model "${model.name}" has no optimizer; call compile() first`);
  return model.optimizer;
}

export function encodeTrainingState(model: TrainingModel, progress: TrainingProgress, who = 'encodeTrainingState'): Uint8Array {
  const optimizer = compiledOptimizer(model, who);
  const tensors = new Map<string, SafetensorsInput>();
  for (const w of model.weights) tensors.set(`model/${w.name}`, { dtype: w.dtype, shape: w.shape, values: w.dataSync() });
  for (const s of optimizerWeights(optimizer, model.weights)) tensors.set(`optimizer/${s.name}`, s);
  for (const [w, avg] of optimizer.ema?.entries() ?? []) tensors.set(`ema/${w.name}`, { dtype: avg.dtype, shape: avg.shape, values: avg.dataSync() });
  const metadata: Record<string, string> = {
    format: TRAINING_STATE_FORMAT, epoch: String(progress.epoch), batch: String(progress.batch),
    optimizer: String(optimizer.getConfig().name),
    ...(optimizer.learningRateSchedule === null ? { learningRate: String(optimizer.learningRate) } : {}),
  };
  return writeSafetensors(tensors, metadata);
}

function intField(meta: Record<string, string>, key: string, file: string): number {
  const v = Number(meta[key]);
  if (!Number.isInteger(v) || v < 0) throw new ModelFormatError(file, `metadata '${key}' must be an integer >= 0, got ${JSON.stringify(meta[key])}`);
  return v;
}

/** The saved values of `prefix/<name>` entries, by name. */
function section(file: ReturnType<typeof readSafetensors>, prefix: string, path: string): NamedWeight[] {
  return [...file.tensors.values()].filter((e) => e.name.startsWith(prefix)).map((e) => {
    const { dtype, values } = entryValues(e, path);
    return { name: e.name.slice(prefix.length), shape: e.shape, dtype, values };
  });
}

/** Checks every saved model weight against the model; returns the assignments to make. */
function matchWeights(model: TrainingModel, saved: readonly NamedWeight[], path: string): (() => void)[] {
  const byName = new Map(saved.map((s) => [s.name, s]));
  if (saved.length !== model.weights.length) throw new ModelFormatError(path, `holds ${saved.length} model weights, the model "${model.name}" has ${model.weights.length}`);
  return model.weights.map((w) => {
    const s = byName.get(w.name);
    if (s === undefined) throw new ModelFormatError(path, `weight '${w.name}' ${shapeToString(w.shape)} is missing`);
    if (!shapesEqual(s.shape, w.shape) || s.dtype !== w.dtype) {
      throw new ModelFormatError(path, `weight '${w.name}': expected ${shapeToString(w.shape)} ${w.dtype}, the file has ${shapeToString(s.shape)} ${s.dtype}`);
    }
    return () => w.assign(tensor(s.values, s.shape, s.dtype));
  });
}

/** The EMA averages' assignments (checked against the optimizer's EMA and the weights). */
function matchAverages(model: TrainingModel, optimizer: Optimizer, saved: readonly NamedWeight[], path: string): (() => void)[] {
  if (saved.length > 0 && optimizer.ema === null) throw new ModelFormatError(path, 'holds EMA averages but the optimizer was made without useEma');
  const byName = new Map(model.weights.map((w) => [w.name, w]));
  return saved.map((s) => {
    const w = byName.get(s.name);
    if (w === undefined || !shapesEqual(w.shape, s.shape)) throw new ModelFormatError(path, `EMA average '${s.name}' ${shapeToString(s.shape)} matches no model weight`);
    return () => optimizer.ema?.restore(w, tensor(s.values, s.shape, s.dtype));
  });
}

/**
 * Puts the saved weights, optimizer state, EMA averages and learning rate into `model`; returns
 * where training stopped. Everything is checked before anything changes.
 */
export function restoreTrainingState(model: TrainingModel, bytes: Uint8Array, path: string, who = 'restoreTrainingState'): TrainingProgress {
  const optimizer = compiledOptimizer(model, who);
  const file = readSafetensors(bytes, path);
  const meta = file.metadata;
  if (meta.format !== TRAINING_STATE_FORMAT) throw new ModelFormatError(path, `is not a training state (metadata format ${JSON.stringify(meta.format)}, expected '${TRAINING_STATE_FORMAT}')`);
  const className = String(optimizer.getConfig().name);
  if (meta.optimizer !== className) throw new ModelFormatError(path, `was saved with optimizer ${meta.optimizer}, the model is compiled with ${className}`);
  const progress = { epoch: intField(meta, 'epoch', path), batch: intField(meta, 'batch', path) };
  const assignWeights = matchWeights(model, section(file, 'model/', path), path);
  const installOptimizer = prepareOptimizerState(optimizer, section(file, 'optimizer/', path), model.weights, path);
  const assignAverages = matchAverages(model, optimizer, section(file, 'ema/', path), path);
  const rate = meta.learningRate === undefined ? null : Number(meta.learningRate);
  for (const assign of assignWeights) assign();
  installOptimizer();
  for (const assign of assignAverages) assign();
  if (rate !== null && optimizer.learningRateSchedule === null) optimizer.learningRate = rate;
  return progress;
}
