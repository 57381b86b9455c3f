/**
 * Charts are Vega specifications rendered to SVG text: Vega lays out axes, ticks, legends and
 * titles (measuring text, so labels never overlap), and the SVG is crisp in browsers, READMEs
 * and the Lab. Vega is imported on first use, so `import 'fovea'` stays light for programs that
 * draw nothing. The Node edge turns the SVG into PNG (`src/node/svg-png.ts`).
 */
import type { Config, Spec } from 'vega';

/** DejaVu Sans first: matplotlib's default, and the font the PNG renderer ships with. */
export const CHART_FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** Matplotlib's first two colours (tab:blue, tab:orange) for training and validation. */
export const SERIES_COLOURS = { training: '#1f77b4', validation: '#ff7f0e' } as const;

const THEME: Config = {
  background: 'white',
  text: { font: CHART_FONT },
  title: { font: CHART_FONT, fontSize: 15, fontWeight: 'bold', offset: 10 },
  axis: { labelFont: CHART_FONT, titleFont: CHART_FONT, labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', labelColor: '#222', titleColor: '#000', domainColor: '#444', tickColor: '#444', gridColor: '#e4e4e4' },
  legend: { labelFont: CHART_FONT, titleFont: CHART_FONT, labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal' },
};

/** The SVG text of `spec`, with the chart theme under the spec's own config. */
export async function renderSvg(spec: Spec): Promise<string> {
  const view = await chartView(spec);
  return view.toSVG();
}

/** The headless Vega view of `spec`, run once (tests read its scenegraph). */
export async function chartView(spec: Spec): Promise<import('vega').View> {
  const vega = await import('vega');
  const full: Spec = { ...spec, config: { ...THEME, ...spec.config } };
  const view = new vega.View(vega.parse(full), { renderer: 'none' });
  await view.runAsync();
  return view;
}
