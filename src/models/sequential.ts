/**
 * Sequential: a stack of layers, each fed the previous one's output, with Keras's training API.
 *
 * Example:
 *   const model = new Sequential({ seed: 1 });
 *   model.add(new Conv2D(32, 3, { activation: 'relu', inputShape: [28, 28, 1] }));
 *   model.add(new Flatten());
 *   model.add(new Dense(10, { activation: 'softmax' }));
 *   model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
 *   const history = await model.fit(x, y, { epochs: 5, batchSize: 32 });
 *
 * Layers are built as soon as the input shape is known, each from its own fork of the model's
 * random generator, so one seed fixes every initial weight.
 */
import type { Callback } from '../callbacks/callback.js';
import type { History } from '../callbacks/index.js';
import { InputLayer } from '../layers/input-layer.js';
import type { CallOptions, Layer, SymbolicShape } from '../layers/layer.js';
import { uniqueName } from '../layers/layer.js';
import { getLoss } from '../losses/index.js';
import type { LossFn } from '../losses/loss.js';
import { getMetric } from '../metrics/index.js';
import type { MetricFn } from '../metrics/metric.js';
import { getOptimizer } from '../optimizers/index.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { tensor } from '../ops/create.js';
import { Random } from '../tensor/random.js';
import { withScope } from '../tensor/scope.js';
import { shapesEqual, shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import { fitLoop, type FitOptions } from './fit-loop.js';
import { assertSameCount, toHost } from './host-data.js';
import { evaluateLoop, predictLoop } from './inference-loops.js';
import { type CompiledState, predictStep, testStep, trainStep } from './steps.js';
import { formatSummary } from './summary.js';

export interface SequentialOptions {
  name?: string;
  /** Fixes initial weights and the default shuffling of `fit`. */
  seed?: number;
  layers?: Layer[];
}

export interface CompileOptions {
  optimizer: string | Optimizer;
  loss: string | LossFn;
  metrics?: (string | MetricFn)[];
}

export interface EvaluateOptions {
  batchSize?: number;
  /** 0 silent; 1 (default) prints the results. */
  verbose?: number;
}

const describe = (l: Layer): string => `"${l.name}" (${l.className})`;

export class Sequential {
  readonly name: string;
  /** Set by callbacks (e.g. EarlyStopping) to end `fit` after the current batch. */
  stopTraining = false;
  private readonly stack: Layer[] = [];
  private readonly rng: Random;
  private inputShape: SymbolicShape | null = null;
  private compiled: CompiledState | null = null;
  /** The History of the last `fit`. */
  history: History | null = null;

  constructor(options: SequentialOptions = {}) {
    this.name = options.name ?? uniqueName('sequential');
    this.rng = new Random(options.seed);
    for (const layer of options.layers ?? []) this.add(layer);
  }

  /** The layers, without the InputLayer (as in Keras 3). */
  get layers(): Layer[] {
    return [...this.stack];
  }

  get built(): boolean {
    return this.inputShape !== null && this.stack.every((l) => l.built);
  }

  /** Appends a layer, building it now when the model's input shape is known. */
  add(layer: Layer): void {
    if (layer instanceof InputLayer) {
      if (this.stack.length > 0 || this.inputShape !== null) {
        throw new Error(`Sequential "${this.name}": an InputLayer must come first; the model already has ${this.stack.length > 0 ? `layer ${describe(this.stack[0])}` : 'an input shape'}`);
      }
      this.inputShape = layer.shape;
      return;
    }
    if (this.stack.some((l) => l.name === layer.name)) {
      throw new Error(`Sequential "${this.name}": a layer named "${layer.name}" is already in the model; layer names must be unique`);
    }
    if (this.stack.length === 0 && this.inputShape === null && layer.batchInputShape !== null) this.inputShape = layer.batchInputShape;
    if (this.inputShape !== null) this.connect(layer, this.outputShapeOf(this.stack.length), this.stack[this.stack.length - 1] ?? null);
    this.stack.push(layer);
  }

  /** Builds every layer for inputs of `inputShape` (batch axis first, null when unknown). */
  build(inputShape: SymbolicShape): void {
    if (this.inputShape !== null && !shapesEqual(this.inputShape.slice(1) as number[], inputShape.slice(1) as number[])) {
      throw new Error(`Sequential "${this.name}": already built for input ${shapeToString(this.inputShape)}, cannot build for ${shapeToString(inputShape)}`);
    }
    this.inputShape = [null, ...inputShape.slice(1)];
    let shape = this.inputShape;
    this.stack.forEach((layer, i) => (shape = this.connect(layer, shape, this.stack[i - 1] ?? null)));
  }

  /** Output shape of the whole model (batch axis null). */
  get outputShape(): SymbolicShape {
    this.assertBuilt('outputShape');
    return this.outputShapeOf(this.stack.length);
  }

  /** Builds `layer` for `inputShape` (when not yet built) and returns its output shape. */
  private connect(layer: Layer, inputShape: SymbolicShape, previous: Layer | null): SymbolicShape {
    try {
      if (!layer.built) {
        layer.rng = this.rng.fork();
        // The initializers' temporary tensors are released here; the Variables keep their storage.
        withScope(() => layer.build(inputShape));
      } else {
        layer.assertInputShape(inputShape);
      }
      return layer.computeOutputShape(inputShape);
    } catch (e) {
      const source = previous === null ? 'the model input' : `the output of ${describe(previous)}`;
      throw new Error(`Sequential "${this.name}": layer ${describe(layer)} cannot take ${source}, shape ${shapeToString(inputShape)}: ${(e as Error).message}`);
    }
  }

  /** Shape after the first `n` layers. */
  private outputShapeOf(n: number): SymbolicShape {
    let shape = this.inputShape as SymbolicShape;
    for (const layer of this.stack.slice(0, n)) shape = layer.computeOutputShape(shape);
    return shape;
  }

  private assertBuilt(what: string): void {
    if (!this.built) {
      throw new Error(`Sequential "${this.name}": ${what} needs the input shape; give the first layer inputShape, add an InputLayer, or call build()`);
    }
  }

  /** Runs the layers on `x` (gradients are recorded unless inside noGrad). */
  apply(x: Tensor, options: CallOptions = {}): Tensor {
    if (!this.built) this.build([null, ...x.shape.slice(1)]);
    return this.forward(x, options.training ?? false);
  }

  /** @internal The forward pass used by the training and inference steps. */
  forward(x: Tensor, training: boolean): Tensor {
    return this.stack.reduce((h, layer) => layer.apply(h, { training }), x);
  }

  /** Prints (with `printFn`) and returns the Keras-style table of layers, shapes and parameters. */
  summary(printFn: (line: string) => void = console.log): string {
    this.assertBuilt('summary()');
    let shape = this.inputShape as SymbolicShape;
    const rows = this.stack.map((layer) => ({ layer, outputShape: (shape = layer.computeOutputShape(shape)) }));
    const text = formatSummary(this.name, rows);
    printFn(text);
    return text;
  }

  compile(options: CompileOptions): void {
    const loss = getLoss(options.loss);
    const metrics = (options.metrics ?? []).map((m) => getMetric(m, { lossName: loss.name }));
    this.compiled = { optimizer: getOptimizer(options.optimizer), loss, metrics };
  }

  get optimizer(): Optimizer | null {
    return this.compiled?.optimizer ?? null;
  }

  /** 'loss' then the metric names, the order of `evaluate`'s and `trainOnBatch`'s results. */
  get metricsNames(): string[] {
    return this.compiled === null ? [] : ['loss', ...this.compiled.metrics.map((m) => m.name)];
  }

  private ready(op: string, x: Tensor): CompiledState {
    if (this.compiled === null) throw new Error(`Sequential "${this.name}": call compile() before ${op}`);
    if (!this.built) this.build([null, ...x.shape.slice(1)]);
    return this.compiled;
  }

  /** Trains for `epochs` epochs; resolves to the History (also kept as `model.history`). */
  async fit(x: Tensor, y: Tensor, options: FitOptions = {}): Promise<History> {
    assertSameCount(x, y, 'fit');
    const compiled = this.ready('fit', x);
    const rng = options.seed === undefined ? this.rng.fork() : new Random(options.seed);
    this.history = await fitLoop(this, compiled, x, y, options, rng);
    return this.history;
  }

  /** [loss, ...metrics] over all samples, in the order of `metricsNames`. */
  evaluate(x: Tensor, y: Tensor, options: EvaluateOptions = {}): number[] {
    assertSameCount(x, y, 'evaluate');
    const compiled = this.ready('evaluate', x);
    const results = evaluateLoop(this, compiled, toHost(x, 'x', 'evaluate'), toHost(y, 'y', 'evaluate'), options.batchSize ?? 32);
    if ((options.verbose ?? 1) > 0) console.log(this.metricsNames.map((n, i) => `${n}: ${results[i].toFixed(4)}`).join(' - '));
    return results;
  }

  /** The model's outputs for every sample of `x`, computed batch by batch. */
  predict(x: Tensor, options: { batchSize?: number } = {}): Tensor {
    if (!this.built) this.build([null, ...x.shape.slice(1)]);
    return predictLoop(this, toHost(x, 'x', 'predict'), options.batchSize ?? 32);
  }

  /** One optimizer step on exactly this batch; returns [loss, ...metrics] for it. */
  trainOnBatch(x: Tensor, y: Tensor): number[] {
    assertSameCount(x, y, 'trainOnBatch');
    return trainStep(this, this.ready('trainOnBatch', x), () => [x, y]);
  }

  testOnBatch(x: Tensor, y: Tensor): number[] {
    assertSameCount(x, y, 'testOnBatch');
    return testStep(this, this.ready('testOnBatch', x), () => [x, y]);
  }

  predictOnBatch(x: Tensor): Tensor {
    if (!this.built) this.build([null, ...x.shape.slice(1)]);
    const { values, shape } = predictStep(this, () => x);
    return tensor(values, shape);
  }

  get weights(): Variable[] {
    return this.stack.flatMap((l) => l.weights);
  }

  get trainableWeights(): Variable[] {
    return this.stack.flatMap((l) => l.trainableWeights);
  }

  get nonTrainableWeights(): Variable[] {
    return this.stack.flatMap((l) => l.nonTrainableWeights);
  }

  countParams(): number {
    return this.stack.reduce((n, l) => n + l.countParams(), 0);
  }

  /** Copies of every weight, layer by layer (kernel before bias). */
  getWeights(): Tensor[] {
    return this.weights.map((w) => tensor(w.dataSync(), w.shape, w.dtype));
  }

  /** Sets every weight from `values`, in the order of `getWeights()`. */
  setWeights(values: readonly Tensor[]): void {
    const weights = this.weights;
    if (values.length !== weights.length) {
      throw new Error(`Sequential "${this.name}": setWeights expected ${weights.length} tensors, got ${values.length}`);
    }
    weights.forEach((w, i) => {
      if (!shapesEqual(w.shape, values[i].shape)) {
        throw new Error(`Sequential "${this.name}": setWeights: weight ${w.name} has shape ${shapeToString(w.shape)}, got ${shapeToString(values[i].shape)}`);
      }
      w.assign(tensor(values[i].dataSync(), w.shape, w.dtype));
    });
  }

  getConfig(): { name: string; layers: { className: string; config: Record<string, unknown> }[] } {
    const input = this.inputShape === null ? [] : [{ className: 'InputLayer', config: { batchInputShape: this.inputShape, name: `${this.name}_input` } }];
    return { name: this.name, layers: [...input, ...this.stack.map((l) => ({ className: l.className, config: l.getConfig() }))] };
  }
}

export type { Callback, FitOptions };
