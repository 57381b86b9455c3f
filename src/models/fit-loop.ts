/**
 * The one training loop, behind `fit` of every model (Sequential and functional): epochs of
 * batches (shuffled in-memory samples or a user's iterator), one scoped step each, running means
 * for the progress logs, validation at the end of each epoch, and every callback hook awaited in
 * Keras's order.
 */
import type { Callback, CallbackModel, Logs } from '../callbacks/callback.js';
import { CallbackList, History, ProgbarLogger } from '../callbacks/index.js';
import { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { arrayEpoch, type BatchIterable, type EpochBatches, iteratorEpochs, type Names, shuffledOrder } from './batch-sources.js';
import type { Dataset } from '../data/dataset.js';
import { type DataSet, sliceDataSet } from './data-set.js';
import { datasetEpochs, type DatasetModel, datasetSteps } from './dataset-batches.js';
import { RunningMeans } from './inference-loops.js';
import { type CompiledState, type StepModel, testStep, trainStep } from './steps.js';
import { classWeightsFor } from './weighted-loss.js';
import { EventLoopPacer, type YieldEvery } from './event-loop-yield.js';

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  /** Reshuffle the training samples every epoch (default true; in-memory data only). */
  shuffle?: boolean;
  /** Fraction of the samples, taken from the END before shuffling as Keras does, held out for validation. */
  validationSplit?: number;
  /** [x, y], [x, y, sampleWeight], a Dataset of batches or an iterable of { xs, ys } batches, evaluated after each epoch. */
  validationData?: [unknown, unknown] | [unknown, unknown, Tensor] | Dataset<unknown> | BatchIterable;
  /** Batches of an iterable `validationData` to evaluate (default: until it ends). */
  validationSteps?: number;
  callbacks?: Callback[];
  /** 0 silent, 1 progress bar, 2 one line per epoch. */
  verbose?: number;
  /** Seed of the shuffling; by default drawn from the model's seed. */
  seed?: number;
  /** Epoch to start from (resuming a run): epochs initialEpoch..epochs-1 are trained. */
  initialEpoch?: number;
  /** Loss weight per class index (single-output models), e.g. { 0: 1, 1: 5 } for a rare class 1. */
  classWeight?: Record<number, number>;
  /** Loss weight per training sample (a vector [samples]); multiplies classWeight. */
  sampleWeight?: Tensor;
  /**
   * Batches per epoch when training from an iterator or a Dataset (default: until it ends). With a
   * Dataset the same pass then continues into the next epoch and restarts when used up, as Keras.
   */
  stepsPerEpoch?: number;
  /**
   * When training hands the thread back to the event loop, as TensorFlow.js's `yieldEvery`: 'auto'
   * (default: after ~30 ms of work, so a page repaints and a Worker gets its messages), 'batch',
   * 'epoch', 'never', or a number of milliseconds. Results do not depend on it.
   */
  yieldEvery?: YieldEvery;
}

export interface FitModel extends StepModel, CallbackModel {
  /** Set by a callback in onTrainBegin (BackupAndRestore) to resume at this epoch; Keras's `_initial_epoch`. */
  resumeEpoch?: number | null;
}

/** The resolved training and validation data of one `fit`. */
export interface FitData {
  names: Names;
  /** A fresh stream of training batches for an epoch. */
  epoch: (rng: Random) => EpochBatches;
  /** Samples per epoch and steps per epoch when known (in-memory data or stepsPerEpoch). */
  samples?: number;
  steps: number;
  validation: (() => EpochBatches) | null;
}

export function positiveInt(v: number, name: string): number {
  if (!Number.isInteger(v) || v < 1) throw new Error(`fit: ${name} must be a positive integer, got ${v}`);
  return v;
}

/** Class weights folded into the per-sample weights of an in-memory data set. */
export function withClassWeights(d: DataSet, classWeight: Record<number, number> | undefined): DataSet {
  if (classWeight === undefined) return d;
  if (d.ys.length !== 1) throw new Error(`fit: classWeight is only supported for models with one output (this one has ${d.ys.length})`);
  const cw = classWeightsFor(d.ys[0], classWeight);
  return { ...d, weights: d.weights === null ? cw : d.weights.map((w, i) => w * cw[i]) };
}

/** Training batches and validation from in-memory data (validationSplit taken from the end). */
export function arrayFitData(data: DataSet, names: Names, o: FitOptions, validation: (() => EpochBatches) | null): FitData {
  const batchSize = positiveInt(o.batchSize ?? 32, 'batchSize');
  const split = o.validationSplit ?? 0;
  let train = withClassWeights(data, o.classWeight);
  let val = validation;
  if (val === null && split !== 0) {
    const at = Math.floor(data.count * (1 - split));
    if (!(split > 0 && split < 1) || at === 0 || at === data.count) {
      throw new Error(`fit: validationSplit ${split} leaves no training or no validation samples out of ${data.count}`);
    }
    const held = sliceDataSet(data, at, data.count);
    val = () => arrayEpoch(held, batchSize, null);
    train = sliceDataSet(train, 0, at);
  }
  const t = train;
  return {
    names, samples: t.count, steps: Math.ceil(t.count / batchSize), validation: val,
    epoch: (rng) => arrayEpoch(t, batchSize, shuffledOrder(t.count, o.shuffle ?? true, rng)),
  };
}

/** Per-sample weights of a batch's targets from classWeight (null without classWeight). */
function classWeightsOfBatch(cw: Record<number, number> | undefined): ((ys: Tensor[]) => Float32Array) | null {
  if (cw === undefined) return null;
  return (ys: Tensor[]) => {
    if (ys.length !== 1) throw new Error('fit: classWeight is only supported for models with one output');
    const y = ys[0];
    return classWeightsFor({ values: y.dataSync(), sampleShape: y.shape.slice(1), count: y.shape[0] }, cw);
  };
}

/** Training batches from a user's iterator. */
export function iteratorFitData(data: BatchIterable, names: Names, o: FitOptions, validation: (() => EpochBatches) | null): FitData {
  if (o.validationSplit !== undefined) throw new Error('fit: validationSplit needs in-memory data; with an iterator pass validationData');
  const steps = o.stepsPerEpoch === undefined ? null : positiveInt(o.stepsPerEpoch, 'stepsPerEpoch');
  const epochs = iteratorEpochs(data, names, steps, classWeightsOfBatch(o.classWeight));
  return { names, steps: steps ?? 0, validation, epoch: () => epochs() };
}

/**
 * Training batches from a Dataset, with Keras's rules: the elements are the batches (no
 * batchSize), no validationSplit (give validationData), sample weights inside the elements.
 */
export function datasetFitData(data: Dataset<unknown>, model: DatasetModel, o: FitOptions, validation: (() => EpochBatches) | null): FitData {
  const refused = (['batchSize', 'validationSplit', 'sampleWeight'] as const).find((k) => o[k] !== undefined);
  if (refused !== undefined) {
    const fix = { batchSize: 'its elements are already batches: set the size with dataset.batch(n)', validationSplit: 'give validationData (another Dataset)', sampleWeight: 'give [x, y, sampleWeight] elements' }[refused];
    throw new Error(`fit: ${refused} is not supported when x is a Dataset; ${fix}`);
  }
  const steps = datasetSteps(data, o.stepsPerEpoch, 'fit', 'stepsPerEpoch');
  const epochs = datasetEpochs(data, model, { op: 'fit', steps, continueAcrossEpochs: steps !== null, weightsOf: classWeightsOfBatch(o.classWeight) });
  const known = data.cardinality() >= 0 ? data.cardinality() : 0;
  return { names: model.names, steps: steps ?? known, validation, epoch: () => epochs() };
}

/**
 * A batch-end hook's logs: the running means, `batch` and `size`, added to the fresh object rather
 * than spread into a copy (V8 placed the spread copy, one per step, in its old generation).
 */
function batchLogs(acc: RunningMeans, names: readonly string[], step: number, size: number): Logs {
  const logs = acc.logs(names);
  logs.batch = step;
  logs.size = size;
  return logs;
}

/**
 * Mean logged values over every batch of `batches` (validation, evaluate on a Dataset); test hooks
 * fire on `list` when given, and `pacer` decides when to yield to the event loop.
 */
export async function evaluateBatches(model: StepModel, compiled: CompiledState, batches: EpochBatches, pacer: EventLoopPacer, list?: CallbackList): Promise<number[]> {
  const acc = new RunningMeans();
  let step = 0;
  for (let b = await batches.next(); b !== null; b = await batches.next(), step++) {
    await list?.onTestBatchBegin(step, { batch: step, size: b.size });
    acc.add(testStep(model, compiled, b.make), b.size);
    b.release?.();
    await list?.onTestBatchEnd(step, batchLogs(acc, compiled.names, step, b.size));
    await pacer.batchDone();
  }
  return acc.means();
}

// ---- hooks for callbacks (BackupAndRestore, SwapEMAWeights) ----

/**
 * The shuffling generator of one epoch, a function of the fit's base seed and the epoch alone: a
 * run resumed at an epoch boundary (BackupAndRestore) then shuffles exactly as the uninterrupted one.
 */
function epochRandom(base: number, epoch: number): Random {
  return new Random((base + Math.imul(epoch + 1, 0x9e3779b9)) >>> 0);
}

/** fit's validation as Keras runs it: onTestBegin, test batch hooks, onTestEnd with the val logs. */
async function validate(model: FitModel, compiled: CompiledState, batches: EpochBatches, list: CallbackList, pacer: EventLoopPacer): Promise<Logs> {
  await list.onTestBegin({});
  const values = await evaluateBatches(model, compiled, batches, pacer, list);
  const logs = Object.fromEntries(compiled.names.map((n, i) => [n, values[i]]));
  await list.onTestEnd(logs);
  return Object.fromEntries(compiled.names.map((n, i) => [`val_${n}`, values[i]]));
}

/** The epoch to start at: a callback's resume point (read once) or `initialEpoch`. */
function startEpoch(model: FitModel, o: FitOptions): number {
  const resume = model.resumeEpoch ?? null;
  model.resumeEpoch = null;
  return resume ?? o.initialEpoch ?? 0;
}

// ---- end of hooks for callbacks ----

/** One epoch of training steps; returns the epoch's mean logs and how many steps ran. */
async function trainEpoch(model: FitModel, compiled: CompiledState, batches: EpochBatches, list: CallbackList, pacer: EventLoopPacer): Promise<{ logs: Logs; steps: number }> {
  const acc = new RunningMeans();
  let step = 0;
  for (let b = await batches.next(); b !== null; b = await batches.next(), step++) {
    await list.onTrainBatchBegin(step, { batch: step, size: b.size });
    acc.add(trainStep(model, compiled, b.make), b.size);
    b.release?.();
    await list.onTrainBatchEnd(step, batchLogs(acc, compiled.names, step, b.size));
    // After the batch-end hook, so what a callback drew for this batch is painted at the yield.
    await pacer.batchDone();
    if (model.stopTraining) return { logs: acc.logs(compiled.names), steps: step + 1 };
  }
  return { logs: step === 0 ? {} : acc.logs(compiled.names), steps: step };
}

/** Trains `model`; returns the History callback holding the per-epoch logs. */
export async function fitLoop(model: FitModel, compiled: CompiledState, data: FitData, o: FitOptions, rng: Random): Promise<History> {
  const epochs = positiveInt(o.epochs ?? 1, 'epochs');
  const verbose = o.verbose ?? 1;
  const pacer = new EventLoopPacer(o.yieldEvery, 'fit');
  const history = new History();
  const given = o.callbacks ?? [];
  // As Keras: a ProgbarLogger among the callbacks (e.g. countMode 'samples') replaces the default one.
  const progbar = verbose > 0 && !given.some((c) => c instanceof ProgbarLogger) ? [new ProgbarLogger({ countMode: 'steps' })] : [];
  const list = new CallbackList([...given, history, ...progbar]);
  list.setModel(model);
  list.setParams({ epochs, steps: data.steps, verbose, ...(data.samples === undefined ? {} : { samples: data.samples }) });
  model.stopTraining = false;
  const seed = rng.nextUint32();
  await list.onTrainBegin({});
  let logs: Logs = {};
  let trained = false;
  for (let epoch = startEpoch(model, o); epoch < epochs; epoch++) {
    await list.onEpochBegin(epoch, {});
    const result = await trainEpoch(model, compiled, data.epoch(epochRandom(seed, epoch)), list, pacer);
    if (result.steps === 0 && !trained) {
      throw new Error('fit: the data is empty (the iterator gave no batch in the first epoch); give at least one batch of { xs, ys }');
    }
    if (result.steps === 0) {
      // Keras's behaviour when a generator is exhausted: warn and stop instead of looping on nothing.
      console.warn(`fit: the training data ran out at epoch ${epoch + 1}; give an iterable that restarts each epoch or stepsPerEpoch with enough batches`);
      break;
    }
    logs = result.logs;
    trained = true;
    if (data.validation !== null) Object.assign(logs, await validate(model, compiled, data.validation(), list, pacer));
    await list.onEpochEnd(epoch, logs);
    await pacer.epochDone();
    if (model.stopTraining) break;
  }
  // Keras's finalize_variable_values: with useEma the model ends on the moving averages.
  compiled.optimizer.finalizeVariableValues(model.trainableWeights);
  await list.onTrainEnd(logs);
  return history;
}
