/**
 * The Keras layer lifecycle:
 *   constructor(config)        stores configuration only, creates no weights;
 *   build(inputShape)          creates weights once the input shape is known;
 *   call(x, {training})        the computation, from ops (gradients come from the ops);
 *   computeOutputShape(shape)  shape inference without data, so `summary()` works before `fit`;
 *   getConfig()                the constructor arguments, for serialization.
 * Shapes here include the batch axis as `null`, as in Keras: `[null, 28, 28, 1]`.
 */
import { Random } from '../tensor/random.js';
import { shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/variable.js';
import type { Initializer } from './initializers.js';

export type SymbolicShape = readonly (number | null)[];

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
  private readonly ownWeights: Variable[] = [];

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
  build(_inputShape: SymbolicShape): void {
    this.built = true;
  }

  abstract call(x: Tensor, options?: CallOptions): Tensor;

  abstract computeOutputShape(inputShape: SymbolicShape): SymbolicShape;

  getConfig(): Record<string, unknown> {
    return { name: this.name, trainable: this.trainable, ...(this.batchInputShape ? { batchInputShape: this.batchInputShape } : {}) };
  }

  /** Builds on first use, checks the input, then calls. */
  apply(x: Tensor, options: CallOptions = {}): Tensor {
    const shape: SymbolicShape = [null, ...x.shape.slice(1)];
    if (!this.built) this.build(shape);
    this.assertInputShape(shape);
    return this.call(x, options);
  }

  /** Hook for subclasses: throw a clear error when `shape` does not fit this layer. */
  assertInputShape(_shape: SymbolicShape): void {}

  get weights(): Variable[] {
    return [...this.ownWeights];
  }

  get trainableWeights(): Variable[] {
    return this.trainable ? this.ownWeights.filter((w) => w.trainable) : [];
  }

  get nonTrainableWeights(): Variable[] {
    return this.trainable ? this.ownWeights.filter((w) => !w.trainable) : [...this.ownWeights];
  }

  countParams(): number {
    return this.ownWeights.reduce((n, w) => n + w.size, 0);
  }

  /** Creates a weight Variable named `<layer>/<name>` from an initializer. */
  protected addWeight(name: string, shape: readonly number[], initializer: Initializer, trainable = true): Variable {
    const v = new Variable(initializer.apply(shape, this.rng), `${this.name}/${name}`, trainable);
    this.ownWeights.push(v);
    return v;
  }

  /** An error that names this layer, the expected and the actual shape. */
  protected shapeError(expected: string, actual: SymbolicShape): Error {
    return new Error(`Layer "${this.name}" (${this.className}): expected input ${expected}, got shape ${shapeToString(actual)}`);
  }
}
