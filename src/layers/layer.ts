/**
 * The Keras layer lifecycle:
 *   constructor(config)        stores configuration only, creates no weights;
 *   build(inputShape)          creates weights once the input shape is known;
 *   call(x, {training})        the computation, from ops (gradients come from the ops);
 *   computeOutputShape(shape)  shape inference without data, so `summary()` works before `fit`;
 *   getConfig()                the constructor arguments, for serialization.
 * Shapes here include the batch axis as `null`, as in Keras: `[null, 28, 28, 1]`.
 */
import { noGrad } from '../autograd/grad-mode.js';
import { tensor } from '../ops/create.js';
import { OPAQUE, type Stage } from '../plan/stage.js';
import { Random } from '../tensor/random.js';
import { shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/variable.js';
import type { Constraint } from './constraints.js';
import type { Initializer } from './initializers.js';
import type { SymbolicShape } from './layer-types.js';
import type { Regularizer } from './regularizers.js';
import { type WeightValue, weightTensor } from './weight-values.js';
import { isSymbolic, type Node, SymbolicTensor } from './symbolic-tensor.js';

export type { SymbolicShape } from './layer-types.js';
/** A layer's input: one tensor, or a list for merge layers (Add, Concatenate ...). */
export type LayerInput = Tensor | Tensor[];
export type ShapeInput = SymbolicShape | SymbolicShape[];

export interface LayerArgs {
  name?: string;
  /** Shape of one sample (no batch axis), for the first layer of a Sequential model. */
  inputShape?: readonly number[];
  batchSize?: number;
  trainable?: boolean;
  /** Seed for this layer's initializers and randomness. */
  seed?: number;
}

export interface CallOptions {
  /** True inside `fit`: dropout and batch norm behave as in training. */
  training?: boolean;
  /** @internal Where a model collects activity-regularizer penalties during its forward pass. */
  losses?: Tensor[];
}

/** How a weight is made, penalised and projected (see `addWeight`). */
export interface WeightOptions {
  trainable?: boolean;
  regularizer?: Regularizer | null;
  constraint?: Constraint | null;
}

interface WeightRecord {
  variable: Variable;
  initializer: Initializer;
  regularizer: Regularizer | null;
  constraint: Constraint | null;
}

const nameCounts = new Map<string, number>();

/** Keras 3 naming: `conv2d`, `conv2d_1`, ... from the class name in snake_case. */
export function uniqueName(base: string): string {
  const n = nameCounts.get(base) ?? 0;
  nameCounts.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

export function snakeCase(className: string): string {
  // Keras's rule: split before a capitalized word, then between a lower-case letter and a capital.
  return className
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

export abstract class Layer {
  readonly name: string;
  trainable: boolean;
  built = false;
  /** The full input shape including batch, when given by `inputShape`/`batchSize`. */
  readonly batchInputShape: SymbolicShape | null;
  /** Set by the model (or from `seed`) before `build`; initializers draw from it. */
  rng: Random;
  /** Penalty on this layer's output, added to the loss (set by layers that take the option). */
  activityRegularizer: Regularizer | null = null;
  /** @internal The calls of this layer on symbolic tensors, in order. */
  readonly inboundNodes: Node[] = [];
  private readonly records: WeightRecord[] = [];

  constructor(args: LayerArgs = {}) {
    this.name = args.name ?? uniqueName(snakeCase(this.className));
    this.trainable = args.trainable ?? true;
    this.batchInputShape = args.inputShape ? [args.batchSize ?? null, ...args.inputShape] : null;
    this.rng = new Random(args.seed);
  }

  /**
   * The Keras class name, used in names, summaries and configs. Subclasses override this getter;
   * it lives on the prototype, so the base constructor can already read it.
   */
  get className(): string {
    return 'Layer';
  }

  /** Creates weights for inputs of `inputShape`. Subclasses with weights override and call super. */
  build(_inputShape: ShapeInput): void {
    this.built = true;
  }

  abstract call(x: LayerInput, options?: CallOptions): Tensor;

  abstract computeOutputShape(inputShape: ShapeInput): SymbolicShape;

  getConfig(): Record<string, unknown> {
    return { name: this.name, trainable: this.trainable, ...(this.batchInputShape ? { batchInputShape: this.batchInputShape } : {}) };
  }

  /**
   * Builds on first use, checks the input, then calls. On symbolic tensors (the functional API)
   * it records the call and returns the symbolic output instead of computing anything.
   */
  apply(x: Tensor, options?: CallOptions): Tensor;
  apply(x: Tensor[], options?: CallOptions): Tensor;
  apply(x: SymbolicTensor | SymbolicTensor[], options?: CallOptions): SymbolicTensor;
  apply(x: LayerInput | SymbolicTensor | SymbolicTensor[], options: CallOptions = {}): Tensor | SymbolicTensor {
    if (isSymbolic(x)) return this.applySymbolic(x);
    const tensors = x as LayerInput;
    const shape = Array.isArray(tensors) ? tensors.map(batchFree) : batchFree(tensors);
    if (!this.built) this.build(shape);
    this.assertInputShape(shape);
    const y = this.call(tensors, options);
    if (this.activityRegularizer !== null && options.losses !== undefined) options.losses.push(this.activityRegularizer.apply(y));
    return y;
  }

  private applySymbolic(x: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
    const list = Array.isArray(x);
    const shape = list ? x.map((t) => t.shape) : x.shape;
    if (!this.built) this.build(shape);
    this.assertInputShape(shape);
    const node: Node = { layer: this, inputs: list ? [...x] : [x], inputIsList: list, index: this.inboundNodes.length, output: null };
    node.output = new SymbolicTensor(this.computeOutputShape(shape), node);
    this.inboundNodes.push(node);
    return node.output;
  }

  /**
   * @internal What the fusion planner sees of this layer (src/plan). A layer whose output is
   * penalised (activity regularizer) is opaque: the penalty reads the output, so no fusion may
   * skip making it. `training` is the mode of the call the plan is for (a batch norm folds only in
   * inference); a caller that does not know it leaves the default, which folds nothing.
   */
  planStage(training = true): Stage {
    return this.built && this.activityRegularizer === null ? this.stage(training) : OPAQUE;
  }

  /** Layers that take part in fusion patterns describe themselves here (src/plan/stage.ts). */
  protected stage(_training: boolean): Stage {
    return OPAQUE;
  }

  /**
   * The symbolic output of this layer's first call in a graph (Keras 3's `layer.output`), e.g.
   * `model.getLayer('flatten').output` to build a new model on a trained model's features.
   */
  get output(): SymbolicTensor {
    const node = this.inboundNodes[0];
    if (node === undefined || node.output === null) {
      throw new Error(`${this.where} has never been called on a symbolic input, so it has no output; call it in a functional model, or in a Sequential model with a known input shape`);
    }
    return node.output;
  }

  /** The symbolic input of this layer's first call in a graph (Keras 3's `layer.input`). */
  get input(): SymbolicTensor | SymbolicTensor[] {
    const node = this.inboundNodes[0];
    if (node === undefined) throw new Error(`${this.where} has never been called on a symbolic input, so it has no input`);
    return node.inputIsList ? [...node.inputs] : node.inputs[0] ?? (node.output as SymbolicTensor);
  }

  /** Hook for subclasses: throw a clear error when `shape` does not fit this layer. */
  assertInputShape(_shape: ShapeInput): void {}

  get weights(): Variable[] {
    return this.records.map((r) => r.variable);
  }

  get trainableWeights(): Variable[] {
    return this.trainable ? this.weights.filter((w) => w.trainable) : [];
  }

  get nonTrainableWeights(): Variable[] {
    return this.trainable ? this.weights.filter((w) => !w.trainable) : this.weights;
  }

  /** Copies of this layer's weights, in the order of `weights` (kernel before bias), as Keras's `get_weights()`. */
  getWeights(): Tensor[] {
    return this.weights.map((w) => tensor(w.dataSync(), w.shape, w.dtype));
  }

  /**
   * Sets every weight, in the order of `getWeights()`, from tensors or nested arrays of its shape
   * (or flat typed arrays of its size). Checks everything before changing anything.
   * Example: `dense.setWeights([[[1, 2]], [0, 0]])` for a Dense(2) on one input feature.
   */
  setWeights(values: readonly WeightValue[]): void {
    const weights = this.weights;
    if (values.length !== weights.length) {
      const names = weights.length === 0 ? 'none yet: build the layer (call it on an input) first' : weights.map((w) => w.name.slice(this.name.length + 1)).join(', ');
      throw new Error(`${this.where}: setWeights expected ${weights.length} values (weights: ${names}), got ${values.length}`);
    }
    const checked = weights.map((w, i) => weightTensor(this.where, w, values[i]));
    weights.forEach((w, i) => w.assign(checked[i]));
  }

  countParams(): number {
    return this.records.reduce((n, r) => n + r.variable.size, 0);
  }

  /** The weight regularizers' penalties (trainable weights only, as Keras). Call inside a step. */
  regularizationLosses(): Tensor[] {
    if (!this.trainable) return [];
    return this.records.filter((r) => r.regularizer !== null && r.variable.trainable).map((r) => (r.regularizer as Regularizer).apply(r.variable));
  }

  /** Projects every constrained trainable weight (after an optimizer step). */
  applyConstraints(): void {
    if (!this.trainable) return;
    noGrad(() => {
      for (const r of this.records) if (r.constraint !== null && r.variable.trainable) r.variable.assign(r.constraint.apply(r.variable));
    });
  }

  /** Redraws every weight from its initializer with `rng` (a model's seed fixes a built graph). */
  resetWeights(rng: Random): void {
    this.rng = rng;
    for (const r of this.records) r.variable.assign(r.initializer.apply(r.variable.shape, rng));
  }

  /** Creates a weight Variable named `<layer>/<name>` from an initializer. */
  protected addWeight(name: string, shape: readonly number[], initializer: Initializer, options: boolean | WeightOptions = true): Variable {
    const o: WeightOptions = typeof options === 'boolean' ? { trainable: options } : options;
    const variable = new Variable(initializer.apply(shape, this.rng), `${this.name}/${name}`, o.trainable ?? true);
    this.records.push({ variable, initializer, regularizer: o.regularizer ?? null, constraint: o.constraint ?? null });
    return variable;
  }

  /** An error that names this layer, the expected and the actual shape. */
  protected shapeError(expected: string, actual: SymbolicShape): Error {
    return new Error(`Layer "${this.name}" (${this.className}): expected input ${expected}, got shape ${shapeToString(actual)}`);
  }

  /** `Layer "name" (Class)`, the prefix of this layer's error messages. */
  protected get where(): string {
    return `Layer "${this.name}" (${this.className})`;
  }
}

function batchFree(t: Tensor): SymbolicShape {
  return [null, ...t.shape.slice(1)];
}
