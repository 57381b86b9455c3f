/**
 * Weight and activity regularizers with Keras 3 definitions: the penalty is added to the loss that
 * `fit` minimises and reports.
 *   L1(l1 = 0.01):         l1 * sum(|x|)
 *   L2(l2 = 0.01):         l2 * sum(x^2)        (no factor 1/2, as in Keras)
 *   L1L2(l1 = 0, l2 = 0):  both
 * Names 'l1', 'l2', 'l1_l2' (or 'l1l2') give the defaults above.
 * Example: `new Conv2D(8, 3, { kernelRegularizer: l2(1e-4) })`.
 */
import { add, mul } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { abs, square } from '../ops/unary.js';
import type { Tensor } from '../tensor/tensor.js';
import { unknownNameError } from '../names/unknown-name.js';

export interface Regularizer {
  readonly className: string;
  /** The scalar penalty for `x`. */
  apply(x: Tensor): Tensor;
  getConfig(): Record<string, unknown>;
}

function checkFactor(owner: string, name: string, v: number): number {
  if (!Number.isFinite(v) || v < 0) throw new Error(`${owner}: ${name} must be a finite number >= 0, got ${v}`);
  return v;
}

export class L1L2 implements Regularizer {
  readonly className: string = 'L1L2';
  readonly l1: number;
  readonly l2: number;
  constructor(options: { l1?: number; l2?: number } = {}) {
    this.l1 = checkFactor(this.className, 'l1', options.l1 ?? 0);
    this.l2 = checkFactor(this.className, 'l2', options.l2 ?? 0);
  }
  apply(x: Tensor): Tensor {
    const l1 = mul(sum(abs(x)), this.l1);
    return this.l2 === 0 ? l1 : add(l1, mul(sum(square(x)), this.l2));
  }
  getConfig(): Record<string, unknown> {
    return { l1: this.l1, l2: this.l2 };
  }
}

export class L1 implements Regularizer {
  readonly className = 'L1';
  constructor(readonly l1 = 0.01) {
    checkFactor('L1', 'l1', l1);
  }
  apply(x: Tensor): Tensor {
    return mul(sum(abs(x)), this.l1);
  }
  getConfig(): Record<string, unknown> {
    return { l1: this.l1 };
  }
}

export class L2 implements Regularizer {
  readonly className = 'L2';
  constructor(readonly l2 = 0.01) {
    checkFactor('L2', 'l2', l2);
  }
  apply(x: Tensor): Tensor {
    return mul(sum(square(x)), this.l2);
  }
  getConfig(): Record<string, unknown> {
    return { l2: this.l2 };
  }
}

export const l1 = (value = 0.01): Regularizer => new L1(value);
export const l2 = (value = 0.01): Regularizer => new L2(value);
export const l1l2 = (options: { l1?: number; l2?: number } = {}): Regularizer => new L1L2(options);

/** Keras's regularizer names in each accepted spelling ('l1_l2', 'l1l2', 'L1L2'). */
export type RegularizerName = 'l1' | 'l2' | 'l1_l2' | 'l1l2' | 'L1' | 'L2' | 'L1L2';

export type RegularizerSpec = RegularizerName | { className: string; config?: Record<string, unknown> } | Regularizer;

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

const factories: Record<string, (c: Record<string, unknown>) => Regularizer> = {
  l1: (c) => new L1(num(c.l1)),
  l2: (c) => new L2(num(c.l2)),
  l1l2: (c) => new L1L2({ l1: num(c.l1), l2: num(c.l2) }),
};

/** A regularizer from a name, a serialized { className, config }, or one passed through; null stays null. */
export function getRegularizer(spec: RegularizerSpec | string | null | undefined, where?: string): Regularizer | null {
  if (spec === null || spec === undefined) return null;
  if (typeof spec === 'object' && 'apply' in spec) return spec;
  const name: unknown = typeof spec === 'string' ? spec : spec.className;
  const key = typeof name === 'string' ? name.replace(/_/g, '').toLowerCase() : '';
  const make = Object.hasOwn(factories, key) ? factories[key] : undefined;
  if (make === undefined) throw unknownNameError('regularizer', name, ['l1', 'l2', 'l1_l2'], where);
  return make(typeof spec === 'string' ? {} : (spec.config ?? {}));
}

export function serializeRegularizer(r: Regularizer | null): { className: string; config: Record<string, unknown> } | null {
  return r === null ? null : { className: r.className, config: r.getConfig() };
}
