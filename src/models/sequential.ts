/**
 * Sequential: a stack of layers, each fed the previous one's output, with Keras's training API
 * (from Trainer, shared with the functional Model).
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
import { input as symbolicInput } from '../layers/input.js';
import { InputLayer } from '../layers/input-layer.js';
import type { SymbolicTensor } from '../layers/symbolic-tensor.js';
import type { CallOptions, Layer, SymbolicShape } from '../layers/layer.js';
import { uniqueName } from '../layers/layer.js';
import { planChain } from '../plan/planner.js';
import { withScope } from '../tensor/scope.js';
import { shapesEqual, shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { CompileOptions } from './compile.js';
import type { TensorArg } from './data-set.js';
import type { FitOptions } from './fit-loop.js';
import { formatSummary } from './summary.js';
import { type EvaluateOptions, type PredictOptions, Trainer } from './trainer.js';
import { Dataset } from '../data/dataset.js';

export interface SequentialOptions {
  name?: string;
  /** Fixes initial weights and the default shuffling of `fit`. */
  seed?: number;
  layers?: Layer[];
}

const describe = (l: Layer): string => `"${l.name}" (${l.className})`;

export class Sequential extends Trainer {
  private readonly stack: Layer[] = [];
  private inputShape: SymbolicShape | null = null;
  /** The layers called on a symbolic input, made on first use of `input`/`output`/`getLayer`. */
  private graph: { input: SymbolicTensor; output: SymbolicTensor; depth: number } | null = null;

  constructor(options: SequentialOptions = {}) {
    super(options.name ?? uniqueName('sequential'), options.seed);
    for (const layer of options.layers ?? []) this.add(layer);
  }

  get className(): string {
    return 'Sequential';
  }

  /** The layers, without the InputLayer (as in Keras 3). */
  get layers(): Layer[] {
    return [...this.stack];
  }

  protected get weightLayers(): Layer[] {
    return this.stack;
  }

  /**
   * The layer named `name` (Keras's `get_layer`). On a built model each layer then has its
   * symbolic `output` (and `input`), for building a functional model on this one's features:
   *   const features = base.getLayer('flatten').output;
   *   const model = new Model({ inputs: base.input, outputs: new Dense(3).apply(features) });
   */
  getLayer(name: string): Layer {
    const found = this.stack.find((l) => l.name === name);
    if (found === undefined) throw new Error(`${this.where}: no layer named "${name}"; layers: ${this.stack.map((l) => l.name).join(', ')}`);
    if (this.built) this.symbolicGraph();
    return found;
  }

  /** The symbolic input of the model (Keras's `model.input`), for building on its layers. */
  get input(): SymbolicTensor {
    return this.symbolicGraph().input;
  }

  /** The symbolic output of the model (Keras's `model.output`). */
  get output(): SymbolicTensor {
    return this.symbolicGraph().output;
  }

  /** Calls every layer once on a symbolic input (once per layer count, so later `add`s join it). */
  private symbolicGraph(): { input: SymbolicTensor; output: SymbolicTensor } {
    this.assertBuilt('a symbolic input and output');
    if (this.graph === null) {
      const x = symbolicInput({ shape: (this.inputShape as SymbolicShape).slice(1) as number[], name: `${this.name}_input` });
      this.graph = { input: x, output: x, depth: 0 };
    }
    const g = this.graph;
    for (; g.depth < this.stack.length; g.depth++) g.output = this.stack[g.depth].apply(g.output);
    return g;
  }

  get inputNames(): string[] {
    return [`${this.name}_input`];
  }

  get outputNames(): string[] {
    return [this.stack[this.stack.length - 1]?.name ?? 'output'];
  }

  get built(): boolean {
    return this.inputShape !== null && this.stack.every((l) => l.built);
  }

  /** Appends a layer, building it now when the model's input shape is known. */
  add(layer: Layer): void {
    if (layer instanceof InputLayer) {
      if (this.stack.length > 0 || this.inputShape !== null) {
        throw new Error(`${this.where}: an InputLayer must come first; the model already has ${this.stack.length > 0 ? `layer ${describe(this.stack[0])}` : 'an input shape'}`);
      }
      this.inputShape = layer.shape;
      return;
    }
    if (this.stack.some((l) => l.name === layer.name)) {
      throw new Error(`${this.where}: a layer named "${layer.name}" is already in the model; layer names must be unique`);
    }
    if (this.stack.length === 0 && this.inputShape === null && layer.batchInputShape !== null) this.inputShape = layer.batchInputShape;
    if (this.inputShape !== null) this.connect(layer, this.outputShapeOf(this.stack.length), this.stack[this.stack.length - 1] ?? null);
    this.stack.push(layer);
  }

  /** Builds every layer for inputs of `inputShape` (batch axis first, null when unknown). */
  build(inputShape: SymbolicShape): void {
    if (this.inputShape !== null && !shapesEqual(this.inputShape.slice(1) as number[], inputShape.slice(1) as number[])) {
      throw new Error(`${this.where}: already built for input ${shapeToString(this.inputShape)}, cannot build for ${shapeToString(inputShape)}`);
    }
    this.inputShape = [null, ...inputShape.slice(1)];
    let shape = this.inputShape;
    this.stack.forEach((layer, i) => (shape = this.connect(layer, shape, this.stack[i - 1] ?? null)));
  }

  protected get inputShapes(): (SymbolicShape | null)[] {
    return [this.inputShape];
  }

  protected get outputShapes(): (SymbolicShape | null)[] {
    return [this.built ? this.outputShapeOf(this.stack.length) : null];
  }

  protected ensureBuilt(xs: Tensor[]): void {
    if (!this.built) this.build([null, ...xs[0].shape.slice(1)]);
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
      throw new Error(`${this.where}: layer ${describe(layer)} cannot take ${source}, shape ${shapeToString(inputShape)}: ${(e as Error).message}`);
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
      throw new Error(`${this.where}: ${what} needs the input shape; give the first layer inputShape, add an InputLayer, or call build()`);
    }
  }

  /** Runs the layers on `x` (gradients are recorded unless inside noGrad). */
  apply(x: Tensor, options: CallOptions = {}): Tensor {
    this.ensureBuilt([x]);
    return this.forward([x], options.training ?? false)[0];
  }

  /** @internal The forward pass used by the training and inference steps. */
  forward(xs: Tensor[], training: boolean, losses?: Tensor[]): Tensor[] {
    const options = { training, losses };
    let h = xs[0];
    for (const step of planChain(this.stack.map((layer) => layer.planStage(training)))) {
      h = step.kind === 'node' ? this.stack[step.node]!.apply(h, options) : step.fusion.run(h, training);
    }
    return [h];
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

  override predict(x: TensorArg, options?: PredictOptions): Tensor;
  override predict(data: Dataset<unknown>, options?: PredictOptions): Promise<Tensor>;
  override predict(x: TensorArg | Dataset<unknown>, options: PredictOptions = {}): Tensor | Promise<Tensor> {
    return (x instanceof Dataset ? super.predict(x, options) : super.predict(x, options)) as Tensor | Promise<Tensor>;
  }

  override predictAsync(x: TensorArg | Dataset<unknown>, options: PredictOptions = {}): Promise<Tensor> {
    return super.predictAsync(x, options) as Promise<Tensor>;
  }

  override predictOnBatch(x: TensorArg): Tensor {
    return super.predictOnBatch(x) as Tensor;
  }

  getConfig(): { name: string; layers: { className: string; config: Record<string, unknown> }[] } {
    const input = this.inputShape === null ? [] : [{ className: 'InputLayer', config: { batchInputShape: this.inputShape, name: `${this.name}_input` } }];
    return { name: this.name, layers: [...input, ...this.stack.map((l) => ({ className: l.className, config: l.getConfig() }))] };
  }
}

export type { Callback, CompileOptions, EvaluateOptions, FitOptions };
