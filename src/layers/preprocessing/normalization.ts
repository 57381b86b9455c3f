/**
 * Normalization (Keras 3): y = (x - mean) / max(sqrt(variance), 1e-7) per index of the kept
 * `axis` (default -1: per channel / feature; an array keeps several axes; null one mean and
 * variance for everything); `invert: true` maps back, y = mean + x * max(sqrt(variance), 1e-7).
 *
 * The statistics come from the constructor (`mean`, `variance`: numbers or arrays broadcast to the
 * kept axes; then the layer has no weights, as in Keras) or from `adapt(data)`, which computes the
 * mean and the (biased) variance of the data in float64 and stores them in the non-trainable
 * weights `mean`, `variance` and `count` (Keras's weights, counted in the summary and saved with
 * the model).
 *
 * Example: `const norm = new Normalization(); norm.adapt(trainImages);` then use it as the first layer.
 */
import { noGrad } from '../../autograd/grad-mode.js';
import { div, maximum, mul, add, sub } from '../../ops/binary.js';
import { tensor } from '../../ops/create.js';
import { reshape } from '../../ops/shape-ops.js';
import { sqrt } from '../../ops/unary.js';
import { normalizeAxis, sizeOf } from '../../tensor/shape.js';
import { Moments } from './moments.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Variable } from '../../tensor/variable.js';
import { Ones, Zeros } from '../initializers.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape } from '../layer.js';

/** Keras's backend epsilon: the smallest standard deviation divided by. */
const EPSILON = 1e-7;

export interface NormalizationOptions extends LayerArgs {
  axis?: number | number[] | null;
  mean?: number | number[] | null;
  variance?: number | number[] | null;
  invert?: boolean;
}

export class Normalization extends Layer {
  readonly axis: number[] | null;
  readonly invert: boolean;
  readonly inputMean: number[] | number | null;
  readonly inputVariance: number[] | number | null;
  mean: Variable | null = null;
  variance: Variable | null = null;
  count: Variable | null = null;
  /** Shape the statistics broadcast with against the input (1 on reduced axes). */
  private broadcastShape: number[] | null = null;

  constructor(options: NormalizationOptions = {}) {
    super(options);
    const axis = options.axis === undefined ? -1 : options.axis;
    this.axis = axis === null ? null : typeof axis === 'number' ? [axis] : [...axis];
    this.invert = options.invert ?? false;
    this.inputMean = options.mean ?? null;
    this.inputVariance = options.variance ?? null;
    if ((this.inputMean === null) !== (this.inputVariance === null)) {
      throw new Error(`${this.where}: give both mean and variance, or neither (then call adapt); got ${this.inputMean === null ? 'only variance' : 'only mean'}`);
    }
  }

  override get className(): string {
    return 'Normalization';
  }

  /** The kept axes of a rank-`rank` input, non-negative and sorted (the batch axis may not be one). */
  private keptAxes(rank: number): number[] {
    if (this.axis === null) return [];
    const kept = [...new Set(this.axis.map((a) => normalizeAxis(a, rank, this.where)))].sort((a, b) => a - b);
    if (kept.includes(0)) throw new Error(`${this.where}: axis may not include the batch axis 0, got ${JSON.stringify(this.axis)}`);
    return kept;
  }

  override assertInputShape(shape: SymbolicShape): void {
    for (const a of this.keptAxes(shape.length)) {
      if (shape[a] === null) throw this.shapeError(`a known size on kept axis ${a}`, shape);
      if (this.broadcastShape !== null && shape[a] !== this.broadcastShape[a]) throw this.shapeError(`size ${this.broadcastShape[a]} on axis ${a} (as built)`, shape);
    }
  }

  override build(inputShape: SymbolicShape): void {
    this.assertInputShape(inputShape);
    // adapt() may have built it already: the statistics it set must stay.
    if (this.built) return;
    const kept = this.keptAxes(inputShape.length);
    this.broadcastShape = inputShape.map((d, i) => (kept.includes(i) ? (d as number) : 1));
    const statShape = kept.map((a) => inputShape[a] as number);
    if (this.inputMean === null) {
      this.mean = this.addWeight('mean', statShape, new Zeros(), false);
      this.variance = this.addWeight('variance', statShape, new Ones(), false);
      this.count = this.addWeight('count', [], new Zeros(), false);
    }
    super.build(inputShape);
  }

  computeOutputShape(s: SymbolicShape): SymbolicShape {
    this.assertInputShape(s);
    return s;
  }

  /** The statistic as a tensor of the broadcast shape: the adapted weight or the constructor's value. */
  private statistic(weight: Variable | null, given: number[] | number | null, name: string): Tensor {
    const shape = this.broadcastShape as number[];
    if (weight !== null) return reshape(weight, shape);
    const size = sizeOf(shape);
    const values = typeof given === 'number' ? new Float32Array(size).fill(given) : Float32Array.from(given as number[]);
    if (values.length !== size) throw new Error(`${this.where}: ${name} has ${values.length} values, the kept axes need ${size} (or one number)`);
    return tensor(values, shape);
  }

  call(x: Tensor, _options?: CallOptions): Tensor {
    const m = this.statistic(this.mean, this.inputMean, 'mean');
    const std = maximum(sqrt(this.statistic(this.variance, this.inputVariance, 'variance')), EPSILON);
    return this.invert ? add(m, mul(x, std)) : div(sub(x, m), std);
  }

  /**
   * Sets `mean`, `variance` and `count` from `data`: a tensor or nested arrays with the batch axis
   * first, or batches of them one after another (an iterable, or an async iterable such as a data
   * set, then it returns a promise). The statistics are over every axis but the kept ones, of all
   * the data (float64 accumulation). Builds the layer if needed.
   */
  adapt(data: AdaptData | Iterable<Tensor>): void;
  adapt(data: AsyncIterable<Tensor>): Promise<void>;
  adapt(data: AdaptData | Iterable<Tensor> | AsyncIterable<Tensor>): void | Promise<void> {
    if (this.inputMean !== null) throw new Error(`${this.where}: adapt cannot be used when mean and variance were given to the constructor`);
    if (isAsyncIterable(data)) return this.adaptAsync(data);
    // An array of tensors is a list of batches; any other array is one batch of nested numbers.
    const listOfBatches = Array.isArray(data) && data.length > 0 && data.every((b) => b instanceof Tensor);
    const batches = listOfBatches || (!Array.isArray(data) && isIterable(data)) ? (data as Iterable<Tensor>) : [data as AdaptData];
    let moments: Moments | null = null;
    for (const batch of batches) moments = this.accumulate(moments, batch);
    this.setStatistics(moments);
  }

  private async adaptAsync(data: AsyncIterable<Tensor>): Promise<void> {
    let moments: Moments | null = null;
    for await (const batch of data) moments = this.accumulate(moments, batch);
    this.setStatistics(moments);
  }

  /** Adds one batch to `moments` (made, and the layer built, on the first batch). */
  private accumulate(moments: Moments | null, data: AdaptData): Moments {
    const x = Array.isArray(data) ? tensor(data) : (data as Tensor);
    if (x.size === 0) throw new Error(`${this.where}: adapt needs at least one sample, got a batch of shape [${x.shape.join(', ')}]`);
    const shape: SymbolicShape = [null, ...x.shape.slice(1)];
    if (!this.built) this.build(shape);
    this.assertInputShape(shape);
    const m = moments ?? new Moments(this.broadcastShape as number[]);
    m.add(x.dataSync(), x.shape);
    return m;
  }

  private setStatistics(moments: Moments | null): void {
    if (moments === null || moments.count === 0) throw new Error(`${this.where}: adapt needs at least one sample, got none`);
    noGrad(() => {
      (this.mean as Variable).assign(tensor(Float32Array.from(moments.mean), (this.mean as Variable).shape));
      (this.variance as Variable).assign(tensor(Float32Array.from(moments.variance), (this.variance as Variable).shape));
      (this.count as Variable).assign(tensor([moments.count], []));
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis, mean: this.inputMean, variance: this.inputVariance, invert: this.invert };
  }
}

/** A batch for `adapt`: a tensor, or nested arrays with the batch axis first. */
export type AdaptData = Tensor | number[] | number[][] | number[][][] | number[][][][];

function isIterable(x: unknown): x is Iterable<Tensor> {
  return typeof x === 'object' && x !== null && typeof (x as Iterable<Tensor>)[Symbol.iterator] === 'function';
}

function isAsyncIterable(x: unknown): x is AsyncIterable<Tensor> {
  return typeof x === 'object' && x !== null && typeof (x as AsyncIterable<Tensor>)[Symbol.asyncIterator] === 'function';
}
