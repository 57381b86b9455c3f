/**
 * A training run's state in one safetensors file, what BackupAndRestore writes and reads: every
 * model weight (`model/<i>`, i its position in `model.weights`), the optimizer's step count and
 * slots (`optimizer/iter`, `optimizer/<i>/<slot>`), the EMA averages (`ema/<i>`), and in the
 * metadata the epoch and batch reached, the learning rate (which callbacks such as
 * ReduceLROnPlateau may have changed) and the weight names. Weights are matched by position and
 * shape, as Keras restores a backup, so a rebuilt model whose layers got other automatic names
 * resumes too. One file, so one atomic write covers all of it.
 */
import { ModelFormatError } from '../io/model-format-error.js';
import { optimizerWeights, prepareOptimizerState } from '../io/optimizer-state.js';
import { entryValues, readSafetensors, type SafetensorsFile, type SafetensorsInput, writeSafetensors } from '../io/safetensors.js';
import type { NamedWeight } from '../io/weights-codec.js';
import { tensor } from '../ops/create.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { shapesEqual, shapeToString } from '../tensor/shape.js';
import type { Variable } from '../tensor/variable.js';
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
  const weights = model.weights;
  const index = new Map(weights.map((w, i) => [w.name, i]));
  const tensors = new Map<string, SafetensorsInput>();
  weights.forEach((w, i) => tensors.set(`model/${i}`, { dtype: w.dtype, shape: w.shape, values: Float32Array.from(w.dataSync()) }));
  for (const s of optimizerWeights(optimizer, weights)) {
    const cut = s.name.lastIndexOf('/');
    const name = s.name === 'iter' ? 'iter' : `${index.get(s.name.slice(0, cut))}/${s.name.slice(cut + 1)}`;
    tensors.set(`optimizer/${name}`, s);
  }
  for (const [w, avg] of optimizer.ema?.entries() ?? []) {
    const i = index.get(w.name);
    if (i !== undefined) tensors.set(`ema/${i}`, { dtype: avg.dtype, shape: avg.shape, values: Float32Array.from(avg.dataSync()) });
  }
  const metadata: Record<string, string> = {
    format: TRAINING_STATE_FORMAT, epoch: String(progress.epoch), batch: String(progress.batch),
    optimizer: String(optimizer.getConfig().name), weightNames: JSON.stringify(weights.map((w) => w.name)),
    ...(optimizer.learningRateSchedule === null ? { learningRate: String(optimizer.learningRate) } : {}),
  };
  return writeSafetensors(tensors, metadata);
}

function intField(meta: Record<string, string>, key: string, file: string): number {
  // Number('') is 0 and Number(' 7 ') is 7: only plain digits are an integer here.
  const text = meta[key];
  const v = typeof text === 'string' && /^\d{1,15}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(v)) throw new ModelFormatError(file, `metadata '${key}' must be an integer >= 0, got ${JSON.stringify(text)}`);
  return v;
}

/** A decimal number as String(number) writes it ('0.001', '1e-7'); '', 'abc' and 'Infinity' are not. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The saved learning rate (null when the file has none), checked as the optimizer would check it. */
function learningRateField(meta: Record<string, string>, file: string): number | null {
  const text = meta.learningRate;
  if (text === undefined) return null;
  const v = DECIMAL.test(text) ? Number(text) : NaN;
  if (!(Number.isFinite(v) && v >= 0)) throw new ModelFormatError(file, `metadata 'learningRate' must be a number >= 0, got ${JSON.stringify(text)}`);
  return v;
}

/** The saved values of `prefix<key>` entries, by key. */
function section(file: SafetensorsFile, prefix: string, path: string): Map<string, NamedWeight> {
  const out = new Map<string, NamedWeight>();
  for (const e of file.tensors.values()) {
    if (!e.name.startsWith(prefix)) continue;
    const { dtype, values } = entryValues(e, path);
    out.set(e.name.slice(prefix.length), { name: e.name, shape: e.shape, dtype, values });
  }
  return out;
}

/** The model weight at position `key` ('3'), or an error naming the entry. */
function weightAt(model: TrainingModel, key: string, entry: string, path: string): Variable {
  const w = /^\d+$/.test(key) ? model.weights[Number(key)] : undefined;
  if (w === undefined) throw new ModelFormatError(path, `'${entry}' names no weight of model "${model.name}" (${model.weights.length} weights)`);
  return w;
}

/** Checks every saved model weight against the model (by position); returns the assignments to make. */
function matchWeights(model: TrainingModel, saved: Map<string, NamedWeight>, path: string): (() => void)[] {
  if (saved.size !== model.weights.length) throw new ModelFormatError(path, `holds ${saved.size} model weights, the model "${model.name}" has ${model.weights.length}`);
  return model.weights.map((w, i) => {
    const s = saved.get(String(i));
    if (s === undefined) throw new ModelFormatError(path, `weight #${i} ('${w.name}' ${shapeToString(w.shape)}) is missing`);
    if (!shapesEqual(s.shape, w.shape) || s.dtype !== w.dtype) {
      throw new ModelFormatError(path, `weight #${i} ('${w.name}'): expected ${shapeToString(w.shape)} ${w.dtype}, the file has ${shapeToString(s.shape)} ${s.dtype}`);
    }
    return () => w.assign(tensor(s.values, s.shape, s.dtype));
  });
}

/** The optimizer entries renamed to the model's current weight names, as prepareOptimizerState expects. */
function optimizerEntries(model: TrainingModel, saved: Map<string, NamedWeight>, path: string): NamedWeight[] {
  return [...saved].map(([key, s]) => {
    if (key === 'iter') return { ...s, name: 'iter' };
    const cut = key.indexOf('/');
    const w = weightAt(model, cut < 0 ? '' : key.slice(0, cut), s.name, path);
    return { ...s, name: `${w.name}/${key.slice(cut + 1)}` };
  });
}

/** The EMA averages' assignments (checked against the optimizer's EMA and the weights). */
function matchAverages(model: TrainingModel, optimizer: Optimizer, saved: Map<string, NamedWeight>, path: string): (() => void)[] {
  if (saved.size > 0 && optimizer.ema === null) throw new ModelFormatError(path, 'holds EMA averages but the optimizer was made without useEma');
  return [...saved].map(([key, s]) => {
    const w = weightAt(model, key, s.name, path);
    if (!shapesEqual(w.shape, s.shape)) throw new ModelFormatError(path, `EMA average '${s.name}' ${shapeToString(s.shape)} does not match weight '${w.name}' ${shapeToString(w.shape)}`);
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
  const installOptimizer = prepareOptimizerState(optimizer, optimizerEntries(model, section(file, 'optimizer/', path), path), model.weights, path);
  const assignAverages = matchAverages(model, optimizer, section(file, 'ema/', path), path);
  const rate = learningRateField(meta, path);
  // Everything above only checked; from here on nothing can fail on the file's account.
  for (const assign of assignWeights) assign();
  installOptimizer();
  for (const assign of assignAverages) assign();
  if (rate !== null && optimizer.learningRateSchedule === null) optimizer.learningRate = rate;
  return progress;
}
