/**
 * Weight initializers with Keras 3 definitions and defaults. Each draws from the Random it is
 * given (the layer's, forked from the model's seed), unless it was created with its own `seed`.
 *
 * Fans follow Keras: a rank-2 shape [in, out] has fanIn = in, fanOut = out; a conv kernel HWIO
 * [kh, kw, in, out] has fanIn = kh*kw*in and fanOut = kh*kw*out.
 * Example: glorotUniform on [3, 3, 1, 32] draws from U(-l, l) with l = sqrt(6 / (9 + 288)).
 */
import { tensor } from '../ops/create.js';
import { Random } from '../tensor/random.js';
import { sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { unknownNameError } from '../names/unknown-name.js';
import type { ClassNameSpellings } from '../names/spellings.js';

export interface Initializer {
  readonly className: string;
  apply(shape: readonly number[], rng: Random): Tensor;
  getConfig(): Record<string, unknown>;
}

/** The serialized form, as Keras writes it: `{ className: 'GlorotUniform', config: {...} }`. */
export interface InitializerSpec {
  className: string;
  config?: Record<string, unknown>;
}

export function computeFans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  if (shape.length === 2) return [shape[0], shape[1]];
  const receptiveField = sizeOf(shape.slice(0, -2));
  return [shape[shape.length - 2] * receptiveField, shape[shape.length - 1] * receptiveField];
}

/** Base for initializers that draw numbers one at a time. */
abstract class ElementwiseInitializer implements Initializer {
  abstract readonly className: string;
  constructor(readonly seed?: number) {}

  apply(shape: readonly number[], rng: Random): Tensor {
    // A seeded initializer gives the same values on every call, as in Keras.
    const r = this.seed === undefined ? rng : new Random(this.seed);
    const values = new Float32Array(sizeOf(shape));
    const draw = this.sampler(shape, r);
    for (let i = 0; i < values.length; i++) values[i] = draw();
    return tensor(values, shape);
  }

  protected abstract sampler(shape: readonly number[], rng: Random): () => number;

  getConfig(): Record<string, unknown> {
    return { seed: this.seed ?? null };
  }
}

export class Zeros implements Initializer {
  readonly className = 'Zeros';
  apply(shape: readonly number[]): Tensor {
    return tensor(new Float32Array(sizeOf(shape)), shape);
  }
  getConfig(): Record<string, unknown> {
    return {};
  }
}

export class Ones implements Initializer {
  readonly className = 'Ones';
  apply(shape: readonly number[]): Tensor {
    return tensor(new Float32Array(sizeOf(shape)).fill(1), shape);
  }
  getConfig(): Record<string, unknown> {
    return {};
  }
}

export class Constant implements Initializer {
  readonly className = 'Constant';
  constructor(readonly value = 0) {}
  apply(shape: readonly number[]): Tensor {
    return tensor(new Float32Array(sizeOf(shape)).fill(this.value), shape);
  }
  getConfig(): Record<string, unknown> {
    return { value: this.value };
  }
}

export class RandomNormal extends ElementwiseInitializer {
  readonly className = 'RandomNormal';
  constructor(readonly mean = 0, readonly stddev = 0.05, seed?: number) {
    super(seed);
  }
  protected sampler(_shape: readonly number[], rng: Random): () => number {
    return () => rng.normal(this.mean, this.stddev);
  }
  override getConfig(): Record<string, unknown> {
    return { mean: this.mean, stddev: this.stddev, ...super.getConfig() };
  }
}

export class RandomUniform extends ElementwiseInitializer {
  readonly className = 'RandomUniform';
  constructor(readonly minval = -0.05, readonly maxval = 0.05, seed?: number) {
    super(seed);
  }
  protected sampler(_shape: readonly number[], rng: Random): () => number {
    return () => rng.uniform(this.minval, this.maxval);
  }
  override getConfig(): Record<string, unknown> {
    return { minval: this.minval, maxval: this.maxval, ...super.getConfig() };
  }
}

/** A normal sample redrawn until it lies within two standard deviations of 0. */
function truncatedStandardNormal(rng: Random): number {
  for (;;) {
    const z = rng.normal();
    if (Math.abs(z) <= 2) return z;
  }
}

export class TruncatedNormal extends ElementwiseInitializer {
  readonly className = 'TruncatedNormal';
  constructor(readonly mean = 0, readonly stddev = 0.05, seed?: number) {
    super(seed);
  }
  protected sampler(_shape: readonly number[], rng: Random): () => number {
    return () => this.mean + this.stddev * truncatedStandardNormal(rng);
  }
  override getConfig(): Record<string, unknown> {
    return { mean: this.mean, stddev: this.stddev, ...super.getConfig() };
  }
}

export type FanMode = 'fan_in' | 'fan_out' | 'fan_avg';
export type ScalingDistribution = 'truncated_normal' | 'untruncated_normal' | 'uniform';

/** Std of a standard normal truncated to [-2, 2]; dividing by it restores the wanted variance. */
const TRUNCATED_STD = 0.8796256610342398;

/** Samples with variance scale / n, n the fan chosen by `mode` (the family behind Glorot, He, LeCun). */
export class VarianceScaling extends ElementwiseInitializer {
  readonly className: string = 'VarianceScaling';
  constructor(
    readonly scale = 1,
    readonly mode: FanMode = 'fan_in',
    readonly distribution: ScalingDistribution = 'truncated_normal',
    seed?: number,
  ) {
    super(seed);
    if (!(scale > 0)) throw new Error(`VarianceScaling: scale must be positive, got ${scale}`);
  }

  protected sampler(shape: readonly number[], rng: Random): () => number {
    const [fanIn, fanOut] = computeFans(shape);
    const n = this.mode === 'fan_in' ? fanIn : this.mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    const variance = this.scale / Math.max(1, n);
    if (this.distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      return () => rng.uniform(-limit, limit);
    }
    if (this.distribution === 'untruncated_normal') return () => rng.normal(0, Math.sqrt(variance));
    const std = Math.sqrt(variance) / TRUNCATED_STD;
    return () => std * truncatedStandardNormal(rng);
  }

  override getConfig(): Record<string, unknown> {
    return { scale: this.scale, mode: this.mode, distribution: this.distribution, ...super.getConfig() };
  }
}

/** A VarianceScaling preset: its config is only the seed, like Keras's subclasses. */
abstract class Preset extends VarianceScaling {
  override getConfig(): Record<string, unknown> {
    return { seed: this.seed ?? null };
  }
}

export class GlorotNormal extends Preset {
  override readonly className = 'GlorotNormal';
  constructor(seed?: number) {
    super(1, 'fan_avg', 'truncated_normal', seed);
  }
}
export class GlorotUniform extends Preset {
  override readonly className = 'GlorotUniform';
  constructor(seed?: number) {
    super(1, 'fan_avg', 'uniform', seed);
  }
}
export class HeNormal extends Preset {
  override readonly className = 'HeNormal';
  constructor(seed?: number) {
    super(2, 'fan_in', 'truncated_normal', seed);
  }
}
export class HeUniform extends Preset {
  override readonly className = 'HeUniform';
  constructor(seed?: number) {
    super(2, 'fan_in', 'uniform', seed);
  }
}
export class LecunNormal extends Preset {
  override readonly className = 'LecunNormal';
  constructor(seed?: number) {
    super(1, 'fan_in', 'truncated_normal', seed);
  }
}
export class LecunUniform extends Preset {
  override readonly className = 'LecunUniform';
  constructor(seed?: number) {
    super(1, 'fan_in', 'uniform', seed);
  }
}

/**
 * A (semi-)orthogonal matrix from the QR decomposition of a normal matrix, reshaped: the weight
 * viewed as [prod(shape[:-1]), shape[-1]] has orthonormal rows or columns, times `gain`.
 */
export class Orthogonal implements Initializer {
  readonly className = 'Orthogonal';
  constructor(readonly gain = 1, readonly seed?: number) {}

  apply(shape: readonly number[], rng: Random): Tensor {
    if (shape.length < 2) throw new Error(`Orthogonal: needs a shape of rank >= 2, got [${shape.join(', ')}]`);
    const r = this.seed === undefined ? rng : new Random(this.seed);
    const cols = shape[shape.length - 1];
    const rows = sizeOf(shape) / cols;
    const q = orthonormalColumns(Math.max(rows, cols), Math.min(rows, cols), r);
    const tall = rows >= cols;
    const out = new Float32Array(rows * cols);
    const m = Math.min(rows, cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) out[i * cols + j] = this.gain * (tall ? q[i * m + j] : q[j * m + i]);
    }
    return tensor(out, shape);
  }

  getConfig(): Record<string, unknown> {
    return { gain: this.gain, seed: this.seed ?? null };
  }
}

/**
 * Gram-Schmidt on the columns of a normal m x n matrix (m >= n), in float64. This is the Q of a QR
 * decomposition with a positive R diagonal, which is the sign correction Keras applies.
 */
function orthonormalColumns(m: number, n: number, rng: Random): Float64Array {
  const q = new Float64Array(m * n);
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += q[i * n + j] * q[i * n + k];
      for (let i = 0; i < m; i++) q[i * n + j] -= dot * q[i * n + k];
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += q[i * n + j] ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) q[i * n + j] /= norm;
  }
  return q;
}

type Factory = (config: Record<string, unknown>) => Initializer;

const num = (v: unknown, fallback?: number): number | undefined => (typeof v === 'number' ? v : fallback);

const factories = {
  Zeros: () => new Zeros(),
  Ones: () => new Ones(),
  Constant: (c) => new Constant(num(c.value, 0)),
  RandomNormal: (c) => new RandomNormal(num(c.mean, 0), num(c.stddev, 0.05), num(c.seed)),
  RandomUniform: (c) => new RandomUniform(num(c.minval, -0.05), num(c.maxval, 0.05), num(c.seed)),
  TruncatedNormal: (c) => new TruncatedNormal(num(c.mean, 0), num(c.stddev, 0.05), num(c.seed)),
  VarianceScaling: (c) =>
    new VarianceScaling(num(c.scale, 1), (c.mode as FanMode) ?? 'fan_in', (c.distribution as ScalingDistribution) ?? 'truncated_normal', num(c.seed)),
  GlorotNormal: (c) => new GlorotNormal(num(c.seed)),
  GlorotUniform: (c) => new GlorotUniform(num(c.seed)),
  HeNormal: (c) => new HeNormal(num(c.seed)),
  HeUniform: (c) => new HeUniform(num(c.seed)),
  LecunNormal: (c) => new LecunNormal(num(c.seed)),
  LecunUniform: (c) => new LecunUniform(num(c.seed)),
  Orthogonal: (c) => new Orthogonal(num(c.gain, 1), num(c.seed)),
} satisfies Record<string, Factory>;

/** Keras's initializer names in each accepted spelling: 'GlorotUniform', 'glorotUniform', 'glorot_uniform'. */
export type InitializerName = ClassNameSpellings<keyof typeof factories>;

/** 'glorot_uniform', 'glorotUniform' and 'GlorotUniform' all name the same initializer. */
const byKey = new Map(Object.keys(factories).map((name) => [name.toLowerCase(), name]));
const key = (name: string): string => name.replace(/_/g, '').toLowerCase();

/** Keras snake_case names, for error messages. */
export const INITIALIZER_NAMES = Object.keys(factories).map((n) => n.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase());

/**
 * An initializer from a name ('glorot_uniform', 'heNormal'), a serialized spec
 * ({className, config}) or an Initializer (returned as is).
 */
export function getInitializer(identifier: string | InitializerSpec | Initializer, where?: string): Initializer {
  if (typeof identifier === 'object' && 'apply' in identifier) return identifier;
  const name = typeof identifier === 'string' ? identifier : identifier.className;
  const config = typeof identifier === 'string' ? {} : (identifier.config ?? {});
  const className = typeof name === 'string' ? byKey.get(key(name)) : undefined;
  if (className === undefined) throw unknownNameError('initializer', name, INITIALIZER_NAMES, where);
  return (factories as Record<string, Factory>)[className](config);
}

/** The serialized form of an initializer, for layer configs. */
export function serializeInitializer(init: Initializer): InitializerSpec {
  return { className: init.className, config: init.getConfig() };
}
