/**
 * Keras's argument forms for the random layers, checked once: a factor `f` or `[lower, upper]`
 * range, a `valueRange`, the fill and interpolation modes. Errors name the layer, the argument,
 * what was expected and what was given.
 */
import { FILL_MODES, type FillMode, INTERPOLATIONS, type Interpolation } from '../../backend/kernels.js';

export type Factor = number | readonly [number, number];

/**
 * `f` -> [-f, f] (or [0, f] when `symmetric` is false, never used by Keras' layers here);
 * `[lower, upper]` -> itself. Every bound must lie in [min, max] and lower <= upper.
 */
export function factorRange(factor: Factor, name: string, where: string, bounds: [number, number] = [-Infinity, Infinity]): [number, number] {
  const pair = typeof factor === 'number' ? [-Math.abs(factor), Math.abs(factor)] : [...factor];
  const ok = pair.length === 2 && pair.every((v) => Number.isFinite(v) && v >= bounds[0] && v <= bounds[1]) && pair[0] <= pair[1];
  if (!ok) {
    const range = Number.isFinite(bounds[0]) ? ` within [${bounds[0]}, ${bounds[1]}]` : '';
    throw new Error(`${where}: ${name} must be a number or a [lower, upper] pair with lower <= upper${range}, got ${JSON.stringify(factor)}`);
  }
  return [pair[0], pair[1]];
}

/** The factor as Keras writes it back to a config: a number stays a number. */
export function factorConfig(factor: Factor): number | [number, number] {
  return typeof factor === 'number' ? factor : [factor[0], factor[1]];
}

export function checkFillMode(mode: string | undefined, fallback: FillMode, where: string): FillMode {
  const m = (mode ?? fallback) as FillMode;
  if (!FILL_MODES.includes(m)) throw new Error(`${where}: fillMode must be one of ${FILL_MODES.map((f) => `'${f}'`).join(', ')}, got '${mode}'`);
  return m;
}

export function checkInterpolation(interpolation: string | undefined, where: string): Interpolation {
  const i = (interpolation ?? 'bilinear') as Interpolation;
  if (!INTERPOLATIONS.includes(i)) {
    throw new Error(`${where}: interpolation must be 'bilinear' or 'nearest' (Fovea does not implement '${interpolation}'), got '${interpolation}'`);
  }
  return i;
}

export function checkValueRange(range: readonly number[] | undefined, where: string): [number, number] {
  const r = range ?? [0, 255];
  if (r.length !== 2 || !r.every(Number.isFinite) || !(r[0] < r[1])) throw new Error(`${where}: valueRange must be [low, high] with low < high, got ${JSON.stringify(range)}`);
  return [r[0], r[1]];
}

export function checkTargetSize(height: number, width: number, where: string): void {
  if (!(Number.isInteger(height) && height > 0 && Number.isInteger(width) && width > 0)) {
    throw new Error(`${where}: height and width must be positive integers, got ${height} and ${width}`);
  }
}
