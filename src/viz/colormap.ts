/**
 * Colour scales. Filters and weights are signed, so they use a diverging blue-white-red scale
 * centred on zero; activations and counts use a sequential white-to-dark-blue scale.
 */
import type { Rgb } from './canvas.js';

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t)) as unknown as Rgb;

const BLUE: Rgb = [33, 102, 172];
const RED: Rgb = [178, 24, 43];
const PALE: Rgb = [247, 247, 247];
const NAVY: Rgb = [8, 48, 107];

/** v in [-1, 1]: -1 blue, 0 white, +1 red. */
export function diverging(v: number): Rgb {
  const t = Math.max(-1, Math.min(1, v));
  return t < 0 ? mix(PALE, BLUE, -t) : mix(PALE, RED, t);
}

/** v in [0, 1]: white to dark blue. */
export function sequential(v: number): Rgb {
  return mix([255, 255, 255], NAVY, Math.max(0, Math.min(1, v)));
}

/** v in [0, 1]: black to white. */
export function grey(v: number): Rgb {
  const g = Math.round(255 * Math.max(0, Math.min(1, v)));
  return [g, g, g];
}

/** Black or white, whichever reads better on `bg`. */
export function inkOn(bg: Rgb): Rgb {
  return 0.299 * bg[0] + 0.587 * bg[1] + 0.114 * bg[2] > 140 ? [0, 0, 0] : [255, 255, 255];
}
