/**
 * The headless Vega view of a chart specification, with the chart theme under the spec's own
 * config. Kept apart from vega-svg.ts so that the public declarations never name Vega's types
 * (they need the DOM lib, which Node projects do not load).
 */
import type { Config, Spec, View } from 'vega';
import { CHART_FONT, type ChartSpec } from './vega-svg.js';

const THEME: Config = {
  background: 'white',
  text: { font: CHART_FONT },
  title: { font: CHART_FONT, fontSize: 15, fontWeight: 'bold', offset: 10 },
  axis: { labelFont: CHART_FONT, titleFont: CHART_FONT, labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', labelColor: '#222', titleColor: '#000', domainColor: '#444', tickColor: '#444', gridColor: '#e4e4e4' },
  legend: { labelFont: CHART_FONT, titleFont: CHART_FONT, labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal' },
};

/** The view of `spec`, run once (renderSvg reads its SVG, tests its scenegraph). */
export async function chartView(chart: ChartSpec): Promise<View> {
  const vega = await import('vega');
  const spec = chart as Spec;
  const full: Spec = { ...spec, config: { ...THEME, ...spec.config } };
  const view = new vega.View(vega.parse(full), { renderer: 'none' });
  await view.runAsync();
  return view;
}
