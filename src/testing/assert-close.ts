/**
 * Comparing computed values with expected ones. Relative error alone explodes near zero, so the
 * check is |actual - expected| <= atol + rtol * |expected| per element (NumPy's `allclose` rule).
 */
import type { Tensor } from '../tensor/tensor.js';

export type Values = ArrayLike<number> | Tensor | number;

export interface CloseOptions {
  /** Relative tolerance (default 1e-4: float32 accumulation over modest sizes). */
  rtol?: number;
  /** Absolute floor for values near zero (default 1e-5). */
  atol?: number;
}

export interface ErrorStats {
  /** Largest |actual - expected|. */
  maxAbs: number;
  /** Largest |actual - expected| / |expected| over elements with expected != 0 (else 0). */
  maxRel: number;
  /** Index of the element that fails the tolerance worst (-1 if none). */
  worst: number;
  /** Largest |actual - expected| / (atol + rtol * |expected|): the check passes when <= 1. */
  ratio: number;
}

function isTensorLike(v: Values): v is Tensor {
  return typeof v === 'object' && 'dataSync' in v;
}

export function toNumbers(v: Values): ArrayLike<number> {
  if (typeof v === 'number') return [v];
  return isTensorLike(v) ? v.dataSync() : v;
}

/** Error statistics of `actual` against `expected`; lengths must agree. */
export function errorStats(actual: Values, expected: Values, options: CloseOptions = {}): ErrorStats {
  const a = toNumbers(actual);
  const e = toNumbers(expected);
  if (a.length !== e.length) throw new Error(`errorStats: ${a.length} actual values vs ${e.length} expected`);
  const rtol = options.rtol ?? 1e-4;
  const atol = options.atol ?? 1e-5;
  let maxAbs = 0;
  let maxRel = 0;
  let ratio = 0;
  let worst = -1;
  for (let i = 0; i < a.length; i++) {
    // NaN compares false everywhere, so it is turned into an infinite error explicitly.
    const diff = Number.isNaN(a[i]) || Number.isNaN(e[i]) ? Infinity : Math.abs(a[i] - e[i]);
    maxAbs = Math.max(maxAbs, diff);
    if (e[i] !== 0) maxRel = Math.max(maxRel, diff / Math.abs(e[i]));
    const r = diff / (atol + rtol * Math.abs(e[i]));
    if (r > ratio) {
      ratio = r;
      worst = i;
    }
  }
  return { maxAbs, maxRel, worst: ratio > 1 ? worst : -1, ratio };
}

export function maxAbsError(actual: Values, expected: Values): number {
  return errorStats(actual, expected).maxAbs;
}

export function maxRelError(actual: Values, expected: Values): number {
  return errorStats(actual, expected).maxRel;
}

/** Throws, naming the worst element, unless every element is within atol + rtol * |expected|. */
export function assertClose(actual: Values, expected: Values, options: CloseOptions & { what?: string } = {}): void {
  const a = toNumbers(actual);
  const e = toNumbers(expected);
  const what = options.what ?? 'values';
  if (a.length !== e.length) throw new Error(`${what}: got ${a.length} values, expected ${e.length}`);
  const s = errorStats(a, e, options);
  if (s.worst >= 0) {
    const i = s.worst;
    throw new Error(
      `${what}: element ${i} is ${a[i]}, expected ${e[i]} (abs error ${Math.abs(a[i] - e[i]).toExponential(3)}, ` +
        `tolerance ${((options.atol ?? 1e-5) + (options.rtol ?? 1e-4) * Math.abs(e[i])).toExponential(3)}; ` +
        `max abs ${s.maxAbs.toExponential(3)}, max rel ${s.maxRel.toExponential(3)})`,
    );
  }
}
