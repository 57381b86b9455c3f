/**
 * The training API every model shares (Keras's Trainer): compile, fit, evaluate, predict and the
 * on-batch variants, weights in and out. Sequential and the functional Model differ only in how
 * they build and run their layers (`forward`), so there is one training loop for both.
 */
import type { History } from '../callbacks/index.js';
import type { SaveableModel } from '../io/model-artifacts.js';
import type { SaveOptions } from '../io/model-io.js';
import type { IOHandler, SaveResult } from '../io/types.js';
import type { Layer, SymbolicShape } from '../layers/layer.js';
import { tensor } from '../ops/create.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { Random } from '../tensor/random.js';
import { shapesEqual, shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import { Dataset } from '../data/dataset.js';
import { type BatchIterable, type EpochBatches, isBatchIterable, iteratorEpochs, type Names, type SourceBatch } from './batch-sources.js';
import { type CompileOptions, compileState } from './compile.js';
import { asList, assertNotEmpty, sampleWeightValues, type TensorArg, toDataSet } from './data-set.js';
import { datasetEpochs, type DatasetModel, predictDataset, datasetSteps } from './dataset-batches.js';
import { arrayFitData, datasetFitData, evaluateBatches, type FitData, fitLoop, type FitOptions, iteratorFitData, withClassWeights } from './fit-loop.js';
import { toHost } from './host-data.js';
import { evaluateLoop, predictLoop, runLoop, runLoopPaced } from './inference-loops.js';
import { EventLoopPacer, type YieldEvery } from './event-loop-yield.js';
import { checkTargets } from './input-checks.js';
import { type CompiledState, predictTensors, type StepModel, testStep, trainStep } from './steps.js';

export interface EvaluateOptions {
  batchSize?: number;
  /** 0 silent; 1 (default) prints the results. */
  verbose?: number;
  sampleWeight?: Tensor;
  /** Batches of a Dataset to evaluate (default: one whole pass). */
  steps?: number;
  /** When `evaluateAsync` (or evaluate on a Dataset) yields to the event loop; see FitOptions. */
  yieldEvery?: YieldEvery;
}

export interface PredictOptions {
  batchSize?: number;
  /** Batches of a Dataset to predict (default: one whole pass). */
  steps?: number;
  /** When `predictAsync` (or predict on a Dataset) yields to the event loop; see FitOptions. */
  yieldEvery?: YieldEvery;
}

/** The synchronous forms cannot yield: a `yieldEvery` given to them is refused, not ignored. */
function refuseYieldEvery(op: 'evaluate' | 'predict', o: { yieldEvery?: YieldEvery }): void {
  if (o.yieldEvery !== undefined) {
    throw new Error(`${op}: yieldEvery applies to ${op}Async (and to a Dataset); the synchronous ${op} on arrays never yields`);
  }
}

/** `first`, then the rest of `rest`. */
function prepend(first: SourceBatch, rest: EpochBatches): EpochBatches {
  let given = false;
  return { next: async () => (given ? rest.next() : ((given = true), first)) };
}

export interface BatchWeights {
  sampleWeight?: Tensor;
  classWeight?: Record<number, number>;
}

export abstract class Trainer implements StepModel {
  readonly name: string;
  /** Set by callbacks (e.g. EarlyStopping) to end `fit` after the current batch. */
  stopTraining = false;
  /** Set by BackupAndRestore in onTrainBegin: the epoch `fit` resumes at (read once; Keras's `_initial_epoch`). */
  resumeEpoch: number | null = null;
  /** The History of the last `fit`. */
  history: History | null = null;
  #userDefinedMetadata: Record<string, unknown> | undefined = undefined;
  protected readonly rng: Random;
  protected compiled: CompiledState | null = null;

  constructor(name: string, seed: number | undefined) {
    this.name = name;
    this.rng = new Random(seed);
  }

  /** 'Sequential' or 'Functional', for messages. */
  abstract get className(): string;
  /** Every layer once, in order (what weights are read from). */
  protected abstract get weightLayers(): Layer[];
  abstract get inputNames(): string[];
  abstract get outputNames(): string[];
  abstract forward(xs: Tensor[], training: boolean, losses?: Tensor[]): Tensor[];
  /** Builds the model for these inputs when it is not built yet. */
  protected abstract ensureBuilt(xs: Tensor[]): void;
  /** Each input's shape (batch axis first), null while not known. */
  protected abstract get inputShapes(): (SymbolicShape | null)[];
  /** Each output's shape (batch axis first), null while not known. */
  protected abstract get outputShapes(): (SymbolicShape | null)[];

  protected get where(): string {
    return `${this.className} "${this.name}"`;
  }

  /**
   * Saves topology, weights and (with `includeOptimizer`) optimizer state: a folder path or
   * `file://` URL in Node (TensorFlow.js layers format, written atomically), `indexeddb://name` or
   * `downloads://name` in browsers, or any IOHandler.
   */
  async save(target: string | IOHandler, options: SaveOptions = {}): Promise<SaveResult> {
    // Loaded on demand: the io modules import the model classes, so a static import would cycle.
    const { saveModel } = await import('../io/save-model.js');
    return saveModel(this as unknown as SaveableModel, target, options);
  }

  /**
   * Metadata saved with the model in model.json (TensorFlow.js's `setUserDefinedMetadata`), e.g.
   * `{ classNames: ['cat', 'dog'] }`. It must survive JSON: plain objects, arrays, strings, numbers.
   */
  setUserDefinedMetadata(metadata: Record<string, unknown> | undefined): void {
    if (metadata !== undefined) {
      if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw new Error(`${this.where}: setUserDefinedMetadata takes an object, got ${Array.isArray(metadata) ? 'an array' : typeof metadata}`);
      // A copy through JSON: what is kept is exactly what will be saved.
      metadata = JSON.parse(JSON.stringify(metadata)) as Record<string, unknown>;
    }
    this.#userDefinedMetadata = metadata;
  }

  getUserDefinedMetadata(): Record<string, unknown> | undefined {
    return this.#userDefinedMetadata;
  }

  compile(options: CompileOptions): void {
    this.compiled = compileState(options, this.outputNames);
  }

  /** The compiled loss names, one per output (empty before compile), e.g. for saving a model. */
  get lossNames(): string[] {
    return this.compiled === null ? [] : this.compiled.losses.map((l) => l.name);
  }

  get optimizer(): Optimizer | null {
    return this.compiled?.optimizer ?? null;
  }

  /** The compiled metrics of each output, by the names they were compiled with (for saving a model). */
  get metricsPerOutput(): string[][] {
    const compiled = this.compiled;
    if (compiled === null) return [];
    return this.outputNames.map((_, k) => compiled.metrics.filter((m) => m.output === k).map((m) => m.baseName));
  }

  /** The compiled loss weights, one per output (empty before compile). */
  get lossWeights(): number[] {
    return this.compiled === null ? [] : [...this.compiled.lossWeights];
  }

  /** 'loss' then the metric names, the order of `evaluate`'s and `trainOnBatch`'s results. */
  get metricsNames(): string[] {
    return this.compiled === null ? [] : [...this.compiled.names];
  }

  private get names(): Names {
    return { inputs: this.inputNames, outputs: this.outputNames };
  }

  protected ready(op: string, xs: Tensor[], ys?: Tensor[]): CompiledState {
    if (this.compiled === null) throw new Error(`${this.where}: call compile() before ${op}`);
    this.ensureBuilt(xs);
    if (ys !== undefined) checkTargets(ys, this.outputShapes, this.lossNames, op);
    return this.compiled;
  }

  /** Inputs as tensors (plain data converted once), checked against the model's input shapes. */
  private inputsOf(x: TensorArg, op: string): Tensor[] {
    return asList(x, this.inputNames, 'input', op, this.inputShapes);
  }

  private targetsOf(y: TensorArg, op: string): Tensor[] {
    return asList(y, this.outputNames, 'output', op);
  }

  /**
   * Trains for `epochs` epochs on tensors `x`, `y`, on a Dataset of `[x, y]` / `{ x, y }` batches
   * or on an iterable of `{ xs, ys }` batches (then pass the options second). Resolves to the
   * History (also kept as `model.history`).
   */
  async fit(x: TensorArg, y: TensorArg, options?: FitOptions): Promise<History>;
  async fit(data: Dataset<unknown> | BatchIterable, options?: FitOptions): Promise<History>;
  async fit(a: TensorArg | Dataset<unknown> | BatchIterable, b?: TensorArg | FitOptions, c: FitOptions = {}): Promise<History> {
    const isDataset = a instanceof Dataset;
    const iterating = isDataset || isBatchIterable(a);
    const o = (iterating ? b ?? {} : c) as FitOptions;
    if (iterating && b !== undefined && (typeof b !== 'object' || b === null || Array.isArray(b) || 'shape' in b)) {
      throw new Error(`fit: with ${isDataset ? 'a Dataset' : 'an iterator of batches'} the targets come from its elements; pass the options second (fit(data, { epochs }))`);
    }
    const data = isDataset ? datasetFitData(a, this.datasetModel('fit'), o, this.validation(o))
      : iterating ? this.iteratorData(a as BatchIterable, o) : this.arrayData(a as TensorArg, b as TensorArg, o);
    if (this.compiled === null) throw new Error(`${this.where}: call compile() before fit`);
    const rng = o.seed === undefined ? this.rng.fork() : new Random(o.seed);
    this.history = await fitLoop(this, this.compiled, data, o, rng);
    return this.history;
  }

  private validation(o: FitOptions): FitData['validation'] {
    const v = o.validationData;
    if (v === undefined) return null;
    if (v instanceof Dataset) {
      const steps = datasetSteps(v, o.validationSteps, 'fit (validationData)', 'validationSteps');
      return datasetEpochs(v, this.datasetModel('fit (validationData)'), { op: 'fit (validationData)', steps, continueAcrossEpochs: false });
    }
    if (isBatchIterable(v)) return iteratorEpochs(v, this.names, o.validationSteps ?? null, null);
    const [vx, vy, vw] = v as [TensorArg, TensorArg, Tensor | undefined];
    const op = 'fit (validationData)';
    const ys = this.targetsOf(vy, op);
    const set = toDataSet(this.inputsOf(vx, op), ys, vw === undefined ? null : sampleWeightValues(vw, op), op);
    checkTargets(ys, this.outputShapes, this.lossNames, op);
    const batchSize = o.batchSize ?? 32;
    return () => arrayFitData(set, this.names, { batchSize, shuffle: false }, null).epoch(this.rng);
  }

  private arrayData(x: TensorArg, y: TensorArg, o: FitOptions): FitData {
    const xs = this.inputsOf(x, 'fit');
    const ys = this.targetsOf(y, 'fit');
    const set = toDataSet(xs, ys, o.sampleWeight === undefined ? null : sampleWeightValues(o.sampleWeight, 'fit'), 'fit');
    this.ready('fit', xs, ys);
    return arrayFitData(set, this.names, o, this.validation(o));
  }

  private iteratorData(data: BatchIterable, o: FitOptions): FitData {
    if (o.sampleWeight !== undefined) throw new Error('fit: with an iterator, give sampleWeight inside each batch ({ xs, ys, sampleWeight })');
    if (!this.built) throw new Error(`${this.where}: fit on an iterator needs a built model; give the input shape first (inputShape, an InputLayer or build())`);
    return iteratorFitData(data, this.names, o, this.validation(o));
  }

  abstract get built(): boolean;

  /** How a Dataset's batches are read for this model; the first batch builds it (and checks targets). */
  private datasetModel(op: string): DatasetModel {
    return {
      names: this.names,
      inputShapes: this.inputShapes,
      prepare: (xs, ys) => {
        if (ys === null) this.ensureBuilt(xs);
        else this.ready(op, xs, ys);
      },
    };
  }

  /**
   * [loss, ...metrics] over all samples, in the order of `metricsNames`. On a Dataset of batches
   * the result is a Promise (the data is read asynchronously).
   */
  evaluate(x: TensorArg, y: TensorArg, options?: EvaluateOptions): number[];
  evaluate(data: Dataset<unknown>, options?: EvaluateOptions): Promise<number[]>;
  evaluate(a: TensorArg | Dataset<unknown>, b?: TensorArg | EvaluateOptions, c: EvaluateOptions = {}): number[] | Promise<number[]> {
    if (a instanceof Dataset) return this.evaluateDataset(a, (b ?? {}) as EvaluateOptions);
    return this.evaluateArrays(a, b as TensorArg, c);
  }

  private async evaluateDataset(data: Dataset<unknown>, o: EvaluateOptions): Promise<number[]> {
    if (o.batchSize !== undefined) throw new Error('evaluate: batchSize is not supported when x is a Dataset; its elements are already batches: set the size with dataset.batch(n)');
    if (o.sampleWeight !== undefined) throw new Error('evaluate: sampleWeight is not supported when x is a Dataset; give [x, y, sampleWeight] elements');
    if (this.compiled === null) throw new Error(`${this.where}: call compile() before evaluate`);
    const steps = datasetSteps(data, o.steps, 'evaluate', 'steps');
    const batches = datasetEpochs(data, this.datasetModel('evaluate'), { op: 'evaluate', steps, continueAcrossEpochs: false })();
    const first = await batches.next();
    if (first === null) throw new Error('evaluate: the Dataset is empty (no batch); give at least one batch');
    const results = await evaluateBatches(this, this.compiled, prepend(first, batches), new EventLoopPacer(o.yieldEvery, 'evaluate'));
    this.printResults(results, o);
    return results;
  }

  private printResults(results: number[], o: EvaluateOptions): void {
    if ((o.verbose ?? 1) > 0) console.log(this.metricsNames.map((n, i) => `${n}: ${results[i].toFixed(4)}`).join(' - '));
  }

  private evaluateArrays(x: TensorArg, y: TensorArg, options: EvaluateOptions): number[] {
    refuseYieldEvery('evaluate', options);
    const results = runLoop(this.evaluateArraysLoop(x, y, options, 'evaluate'));
    this.printResults(results, options);
    return results;
  }

  /** The batches of evaluate on arrays, checked and ready to run (synchronously or paced). */
  private evaluateArraysLoop(x: TensorArg, y: TensorArg, options: EvaluateOptions, op: string): Generator<void, number[], void> {
    const xs = this.inputsOf(x, op);
    const ys = this.targetsOf(y, op);
    const set = toDataSet(xs, ys, options.sampleWeight === undefined ? null : sampleWeightValues(options.sampleWeight, op), op);
    const compiled = this.ready(op, xs, ys);
    return evaluateLoop(this, compiled, set, options.batchSize ?? 32);
  }

  /**
   * `evaluate` that does not block the page: the same batches and results, with a yield to the
   * event loop whenever ~30 ms of work has run (`yieldEvery`), so a page repaints meanwhile.
   */
  evaluateAsync(x: TensorArg, y: TensorArg, options?: EvaluateOptions): Promise<number[]>;
  evaluateAsync(data: Dataset<unknown>, options?: EvaluateOptions): Promise<number[]>;
  async evaluateAsync(a: TensorArg | Dataset<unknown>, b?: TensorArg | EvaluateOptions, c: EvaluateOptions = {}): Promise<number[]> {
    if (a instanceof Dataset) return this.evaluateDataset(a, (b ?? {}) as EvaluateOptions);
    const pacer = new EventLoopPacer(c.yieldEvery, 'evaluateAsync');
    const results = await runLoopPaced(this.evaluateArraysLoop(a, b as TensorArg, c, 'evaluateAsync'), pacer);
    this.printResults(results, c);
    return results;
  }

  /**
   * The model's outputs for every sample of `x`, batch by batch (a list when there are several
   * outputs). On a Dataset of batches (x, or [x, y] whose y is ignored) the result is a Promise.
   */
  predict(x: TensorArg, options?: PredictOptions): Tensor | Tensor[];
  predict(data: Dataset<unknown>, options?: PredictOptions): Promise<Tensor | Tensor[]>;
  predict(x: TensorArg | Dataset<unknown>, options: PredictOptions = {}): Tensor | Tensor[] | Promise<Tensor | Tensor[]> {
    if (x instanceof Dataset) return this.predictDataset(x, options);
    return this.predictArrays(x, options);
  }

  private async predictDataset(data: Dataset<unknown>, o: PredictOptions): Promise<Tensor | Tensor[]> {
    if (o.batchSize !== undefined) throw new Error('predict: batchSize is not supported when x is a Dataset; its elements are already batches: set the size with dataset.batch(n)');
    const pacer = new EventLoopPacer(o.yieldEvery, 'predict');
    const outs = await predictDataset(this, data, this.datasetModel('predict'), datasetSteps(data, o.steps, 'predict', 'steps'), pacer);
    return outs.length === 1 ? outs[0] : outs;
  }

  private predictArrays(x: TensorArg, options: PredictOptions): Tensor | Tensor[] {
    refuseYieldEvery('predict', options);
    const outs = runLoop(this.predictArraysLoop(x, options, 'predict'));
    return outs.length === 1 ? outs[0] : outs;
  }

  /** The batches of predict on arrays, checked and ready to run (synchronously or paced). */
  private predictArraysLoop(x: TensorArg, options: PredictOptions, op: string): Generator<void, Tensor[], void> {
    const xs = this.inputsOf(x, op);
    assertNotEmpty(xs, op);
    this.ensureBuilt(xs);
    return predictLoop(this, xs.map((t, i) => toHost(t, xs.length > 1 ? `x[${i}]` : 'x', op)), options.batchSize ?? 32);
  }

  /**
   * `predict` that does not block the page: the same outputs, with a yield to the event loop
   * whenever ~30 ms of work has run (`yieldEvery`), so a page repaints meanwhile.
   */
  async predictAsync(x: TensorArg | Dataset<unknown>, options: PredictOptions = {}): Promise<Tensor | Tensor[]> {
    if (x instanceof Dataset) return this.predictDataset(x, options);
    const outs = await runLoopPaced(this.predictArraysLoop(x, options, 'predictAsync'), new EventLoopPacer(options.yieldEvery, 'predictAsync'));
    return outs.length === 1 ? outs[0] : outs;
  }

  private batchOf(op: string, x: TensorArg, y: TensorArg, w: BatchWeights): { xs: Tensor[]; ys: Tensor[]; weights: Float32Array | null } {
    const xs = this.inputsOf(x, op);
    const ys = this.targetsOf(y, op);
    const set = withClassWeights(toDataSet(xs, ys, w.sampleWeight === undefined ? null : sampleWeightValues(w.sampleWeight, op), op), w.classWeight);
    return { xs, ys, weights: set.weights };
  }

  /** One optimizer step on exactly this batch; returns [loss, ...metrics] for it. */
  trainOnBatch(x: TensorArg, y: TensorArg, weights: BatchWeights = {}): number[] {
    const batch = this.batchOf('trainOnBatch', x, y, weights);
    return trainStep(this, this.ready('trainOnBatch', batch.xs, batch.ys), () => batch);
  }

  testOnBatch(x: TensorArg, y: TensorArg, weights: BatchWeights = {}): number[] {
    const batch = this.batchOf('testOnBatch', x, y, weights);
    return testStep(this, this.ready('testOnBatch', batch.xs, batch.ys), () => batch);
  }

  predictOnBatch(x: TensorArg): Tensor | Tensor[] {
    const xs = this.inputsOf(x, 'predictOnBatch');
    this.ensureBuilt(xs);
    const outs = predictTensors(this, () => xs);
    return outs.length === 1 ? outs[0] : outs;
  }

  private trainableFlag = true;

  /**
   * Setting it sets every layer's `trainable` (Keras's `model.trainable = False` to freeze a model,
   * e.g. a pretrained base). `fit` reads the flags at each step: frozen weights get no gradient,
   * no optimizer update (momentum, weight decay) and no regularization penalty, and frozen
   * BatchNormalization layers run in inference mode.
   */
  get trainable(): boolean {
    return this.trainableFlag;
  }

  set trainable(value: boolean) {
    this.trainableFlag = value;
    for (const l of this.weightLayers) l.trainable = value;
  }

  get weights(): Variable[] {
    return this.weightLayers.flatMap((l) => l.weights);
  }

  get trainableWeights(): Variable[] {
    return this.weightLayers.flatMap((l) => l.trainableWeights);
  }

  get nonTrainableWeights(): Variable[] {
    return this.weightLayers.flatMap((l) => l.nonTrainableWeights);
  }

  countParams(): number {
    return this.weightLayers.reduce((n, l) => n + l.countParams(), 0);
  }

  regularizationLosses(): Tensor[] {
    return this.weightLayers.flatMap((l) => l.regularizationLosses());
  }

  applyConstraints(): void {
    for (const l of this.weightLayers) l.applyConstraints();
  }

  /** Copies of every weight, layer by layer (kernel before bias). */
  getWeights(): Tensor[] {
    return this.weights.map((w) => tensor(w.dataSync(), w.shape, w.dtype));
  }

  /** Sets every weight from `values`, in the order of `getWeights()`. */
  setWeights(values: readonly Tensor[]): void {
    const weights = this.weights;
    if (values.length !== weights.length) throw new Error(`${this.where}: setWeights expected ${weights.length} tensors, got ${values.length}`);
    weights.forEach((w, i) => {
      if (!shapesEqual(w.shape, values[i].shape)) {
        throw new Error(`${this.where}: setWeights: weight ${w.name} has shape ${shapeToString(w.shape)}, got ${shapeToString(values[i].shape)}`);
      }
      w.assign(tensor(values[i].dataSync(), w.shape, w.dtype));
    });
  }
}
