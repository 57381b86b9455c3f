/**
 * Saving a chart (SVG text from `fovea/viz`) as an SVG or PNG file, chosen by the file's
 * extension unless given. Written atomically: a reader never sees half a picture.
 */
import { extname } from 'node:path';
import { writeFileAtomic } from './io/atomic-write.js';
import { svgToPng } from './svg-png.js';

export type ChartFormat = 'svg' | 'png';
export const CHART_FORMATS: readonly ChartFormat[] = ['svg', 'png'];

/** `format` when given, otherwise the one the extension of `path` names. */
export function chartFormatOf(path: string, format?: string): ChartFormat {
  if (format !== undefined) {
    if (!(CHART_FORMATS as readonly string[]).includes(format)) throw new Error(`writeChart: format must be one of ${CHART_FORMATS.join(', ')}, got '${format}'`);
    return format as ChartFormat;
  }
  const ext = extname(path).slice(1).toLowerCase();
  if ((CHART_FORMATS as readonly string[]).includes(ext)) return ext as ChartFormat;
  throw new Error(`writeChart: cannot tell the format of '${path}' from its extension '${extname(path)}'; name the file .svg or .png, or give the format (--format svg|png)`);
}

export interface WriteChartOptions {
  format?: ChartFormat;
  /** PNG pixels per SVG unit (default 2). */
  scale?: number;
}

/** Writes `svg` to `path` as SVG or PNG; returns the format written. */
export async function writeChart(path: string, svg: string, options: WriteChartOptions = {}): Promise<ChartFormat> {
  const format = chartFormatOf(path, options.format);
  const bytes = format === 'svg' ? new TextEncoder().encode(svg) : await svgToPng(svg, { scale: options.scale });
  await writeFileAtomic(path, bytes);
  return format;
}
