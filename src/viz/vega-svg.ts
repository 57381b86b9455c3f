/**
 * Charts are Vega specifications rendered to SVG text: Vega lays out axes, ticks, legends and
 * titles (measuring text, so labels never overlap), and the SVG is crisp in browsers, READMEs
 * and the Lab. Vega is imported on first use, so `import 'fovea'` stays light for programs that
 * draw nothing. The Node edge turns the SVG into PNG (`src/node/svg-png.ts`).
 */

/** DejaVu Sans first: matplotlib's default, and the font the PNG renderer ships with. */
export const CHART_FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/**
 * A Vega specification (JSON, as Vega's documentation describes it). Typed loosely on purpose:
 * Vega's own declarations need the DOM lib, and Fovea's must compile without it. Pass it to
 * `vega.parse` as a `vega.Spec`.
 */
export type ChartSpec = object;

/** Matplotlib's first two colours (tab:blue, tab:orange) for training and validation. */
export const SERIES_COLOURS = { training: '#1f77b4', validation: '#ff7f0e' } as const;

/** The SVG text of `spec`, with the chart theme under the spec's own config. */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const { chartView } = await import('./vega-view.js');
  return (await chartView(spec)).toSVG();
}
