/**
 * Keras's argument forms for the random layers, checked once: a factor `f` or `[lower, upper]`
 * range, a `valueRange`, the fill and interpolation modes. Errors name the layer, the argument,
 * what was expected and what was given.
 */
import { FILL_MODES, type FillMode, INTERPOLATIONS, type Interpolation } from '../../backend/kernels.js';
import { unknownNameError } from '../../names/unknown-name.js';

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
  if (!FILL_MODES.includes(m)) throw unknownNameError('fillMode', mode, FILL_MODES, where);
  return m;
}

export function checkInterpolation(interpolation: string | undefined, where: string): Interpolation {
  const i = (interpolation ?? 'bilinear') as Interpolation;
  // Keras also has 'bicubic', 'lanczos3', 'lanczos5' and 'area', which Fovea does not implement.
  if (!INTERPOLATIONS.includes(i)) throw unknownNameError('interpolation', interpolation, INTERPOLATIONS, where);
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
