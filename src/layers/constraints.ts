/**
 * Weight constraints with Keras 3 definitions, applied to a weight after every optimizer step.
 * Norms are taken along `axis` (default 0: for a Dense kernel [in, out], each unit's incoming
 * weights; for a conv kernel HWIO pass axis [0, 1, 2]).
 *   MaxNorm(maxValue = 2):  w * clip(n, 0, max) / (1e-7 + n)
 *   NonNeg():               w * (w >= 0)
 *   UnitNorm():             w / (1e-7 + n)
 *   MinMaxNorm(minValue = 0, maxValue = 1, rate = 1):
 *                           w * (rate * clip(n, min, max) + (1 - rate) * n) / (1e-7 + n)
 * Example: `new Dense(64, { kernelConstraint: maxNorm({ maxValue: 3 }) })`.
 */
import { add, div, greaterEqual, mul } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { sqrt, square } from '../ops/unary.js';
import { clip } from '../losses/loss-utils.js';
import type { Tensor } from '../tensor/tensor.js';
import { unknownNameError } from '../names/unknown-name.js';
import type { ClassNameSpellings } from '../names/spellings.js';

export interface Constraint {
  readonly className: string;
  /** The projected value of `w`. */
  apply(w: Tensor): Tensor;
  getConfig(): Record<string, unknown>;
}

type Axis = number | number[];
const EPS = 1e-7;

function norms(w: Tensor, axis: Axis): Tensor {
  return sqrt(sum(square(w), axis, true));
}

export class NonNeg implements Constraint {
  readonly className = 'NonNeg';
  apply(w: Tensor): Tensor {
    return mul(w, greaterEqual(w, 0));
  }
  getConfig(): Record<string, unknown> {
    return {};
  }
}

export class MaxNorm implements Constraint {
  readonly className = 'MaxNorm';
  readonly maxValue: number;
  readonly axis: Axis;
  constructor(options: { maxValue?: number; axis?: Axis } = {}) {
    this.maxValue = options.maxValue ?? 2;
    this.axis = options.axis ?? 0;
  }
  apply(w: Tensor): Tensor {
    const n = norms(w, this.axis);
    return mul(w, div(clip(n, 0, this.maxValue), add(n, EPS)));
  }
  getConfig(): Record<string, unknown> {
    return { maxValue: this.maxValue, axis: this.axis };
  }
}

export class UnitNorm implements Constraint {
  readonly className = 'UnitNorm';
  readonly axis: Axis;
  constructor(options: { axis?: Axis } = {}) {
    this.axis = options.axis ?? 0;
  }
  apply(w: Tensor): Tensor {
    return div(w, add(norms(w, this.axis), EPS));
  }
  getConfig(): Record<string, unknown> {
    return { axis: this.axis };
  }
}

export class MinMaxNorm implements Constraint {
  readonly className = 'MinMaxNorm';
  readonly minValue: number;
  readonly maxValue: number;
  readonly rate: number;
  readonly axis: Axis;
  constructor(options: { minValue?: number; maxValue?: number; rate?: number; axis?: Axis } = {}) {
    this.minValue = options.minValue ?? 0;
    this.maxValue = options.maxValue ?? 1;
    this.rate = options.rate ?? 1;
    this.axis = options.axis ?? 0;
    if (this.minValue > this.maxValue) throw new Error(`MinMaxNorm: minValue (${this.minValue}) must not exceed maxValue (${this.maxValue})`);
  }
  apply(w: Tensor): Tensor {
    const n = norms(w, this.axis);
    const desired = add(mul(clip(n, this.minValue, this.maxValue), this.rate), mul(n, 1 - this.rate));
    return mul(w, div(desired, add(n, EPS)));
  }
  getConfig(): Record<string, unknown> {
    return { minValue: this.minValue, maxValue: this.maxValue, rate: this.rate, axis: this.axis };
  }
}

export const nonNeg = (): Constraint => new NonNeg();
export const maxNorm = (options?: { maxValue?: number; axis?: Axis }): Constraint => new MaxNorm(options);
export const unitNorm = (options?: { axis?: Axis }): Constraint => new UnitNorm(options);
export const minMaxNorm = (options?: { minValue?: number; maxValue?: number; rate?: number; axis?: Axis }): Constraint => new MinMaxNorm(options);

/** Keras's constraint names in each accepted spelling ('max_norm', 'maxNorm', 'MaxNorm'). */
export type ConstraintName = ClassNameSpellings<'MaxNorm' | 'NonNeg' | 'UnitNorm' | 'MinMaxNorm'>;

export type ConstraintSpec = ConstraintName | { className: string; config?: Record<string, unknown> } | Constraint;

const factories: Record<string, (c: Record<string, unknown>) => Constraint> = {
  nonneg: () => new NonNeg(),
  maxnorm: (c) => new MaxNorm(c as { maxValue?: number; axis?: Axis }),
  unitnorm: (c) => new UnitNorm(c as { axis?: Axis }),
  minmaxnorm: (c) => new MinMaxNorm(c as { minValue?: number; maxValue?: number; rate?: number; axis?: Axis }),
};

/** 'max_norm', 'maxNorm', 'MaxNorm' and a serialized { className, config } all resolve. */
export function getConstraint(spec: ConstraintSpec | string | null | undefined, where?: string): Constraint | null {
  if (spec === null || spec === undefined) return null;
  if (typeof spec === 'object' && 'apply' in spec) return spec;
  const name: unknown = typeof spec === 'string' ? spec : spec.className;
  const key = typeof name === 'string' ? name.replace(/_/g, '').toLowerCase() : '';
  const make = Object.hasOwn(factories, key) ? factories[key] : undefined;
  if (make === undefined) throw unknownNameError('constraint', name, ['max_norm', 'non_neg', 'unit_norm', 'min_max_norm'], where);
  return make(typeof spec === 'string' ? {} : (spec.config ?? {}));
}

export function serializeConstraint(c: Constraint | null): { className: string; config: Record<string, unknown> } | null {
  return c === null ? null : { className: c.className, config: c.getConfig() };
}
