/**
 * Colour scales. Filters and weights are signed, so they use a diverging blue-white-red scale
 * centred on zero; activations and counts use a sequential white-to-dark-blue scale. The stops
 * are exported so a chart's colour legend (a Vega scale interpolated in RGB) shows exactly the
 * colours the pixel tiles use.
 */
export type Rgb = readonly [number, number, number];

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t)) as unknown as Rgb;

export const DIVERGING_STOPS: readonly Rgb[] = [[33, 102, 172], [247, 247, 247], [178, 24, 43]];
export const SEQUENTIAL_STOPS: readonly Rgb[] = [[255, 255, 255], [8, 48, 107]];

/** v in [-1, 1]: -1 blue, 0 white, +1 red. */
export function diverging(v: number): Rgb {
  const t = Math.max(-1, Math.min(1, v));
  const [blue, pale, red] = DIVERGING_STOPS;
  return t < 0 ? mix(pale, blue, -t) : mix(pale, red, t);
}

/** v in [0, 1]: white to dark blue. */
export function sequential(v: number): Rgb {
  return mix(SEQUENTIAL_STOPS[0], SEQUENTIAL_STOPS[1], Math.max(0, Math.min(1, v)));
}

/** v in [0, 1]: black to white. */
export function grey(v: number): Rgb {
  const g = Math.round(255 * Math.max(0, Math.min(1, v)));
  return [g, g, g];
}

/** '#rrggbb', as SVG and Vega take colours. */
export function hex(c: Rgb): string {
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}
