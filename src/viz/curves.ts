/**
 * Training curves: one panel per quantity (loss, accuracy, learning_rate, ...) with its training
 * series and, when logged, its `val_` series, against the epoch (1-based, as Keras prints it).
 * A legend appears only in panels with both series; a quantity that has no validation twin (the
 * learning rate) is one unlabelled line named by its axis. A positive series spanning a factor
 * of 10 or more (a decaying learning rate) gets a log axis. Input: a History's `history` record
 * or a CSVLogger file parsed by `parseCsvLog`.
 */
import type { GroupMark } from 'vega';
import { type ChartSpec, SERIES_COLOURS, renderSvg } from './vega-svg.js';

const PANEL = { width: 320, height: 220 };

/** Reads a CSVLogger file (header `epoch,loss,...`, one row per epoch) into series by column. */
export function parseCsvLog(text: string): Record<string, number[]> {
  const lines = text.trim().split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new Error('parseCsvLog: expected a header line and at least one row of numbers');
  const header = lines[0].split(',').map((h) => h.trim());
  const out: Record<string, number[]> = Object.fromEntries(header.map((h) => [h, []]));
  lines.slice(1).forEach((line, r) => {
    const cells = line.split(',');
    if (cells.length !== header.length) throw new Error(`parseCsvLog: row ${r + 2} has ${cells.length} cells, the header has ${header.length}`);
    cells.forEach((cell, c) => {
      const v = Number(cell);
      if (cell.trim() === '' || !Number.isFinite(v)) throw new Error(`parseCsvLog: row ${r + 2}, column '${header[c]}' is not a number: '${cell}'`);
      out[header[c]].push(v);
    });
  });
  return out;
}

const LEARNING_RATE = /^(learning_rate|lr)$/;

/**
 * ['loss', 'accuracy', 'learning_rate'] from keys such as accuracy, learning_rate, loss, val_loss
 * (epoch dropped): the loss first and the learning rate last, as one reads a training run.
 */
function quantities(series: Record<string, number[]>): string[] {
  const names = [...new Set(Object.keys(series).filter((k) => k !== 'epoch').map((k) => k.replace(/^val_/, '')))];
  const rank = (n: string) => (n === 'loss' ? 0 : LEARNING_RATE.test(n) ? 2 : 1);
  return names.sort((a, b) => rank(a) - rank(b));
}

interface Point {
  epoch: number;
  value: number;
  series: keyof typeof SERIES_COLOURS;
}

function points(train: number[] | undefined, val: number[] | undefined): Point[] {
  const of = (values: number[] | undefined, series: Point['series']) => (values ?? []).map((value, e) => ({ epoch: e + 1, value, series }));
  return [...of(train, 'training'), ...of(val, 'validation')];
}

const wantsLogScale = (values: number[]) => values.every((v) => v > 0) && Math.max(...values) / Math.min(...values) >= 10;

function panel(name: string, train: number[] | undefined, val: number[] | undefined): GroupMark {
  const data = points(train, val);
  const kinds = [...new Set(data.map((p) => p.series))];
  const epochs = Math.max(...data.map((p) => p.epoch));
  const log = wantsLogScale(data.map((p) => p.value));
  return {
    type: 'group',
    name: `panel_${name}`,
    encode: { enter: { width: { value: PANEL.width }, height: { value: PANEL.height } } },
    data: [{ name: 'points', values: data }],
    scales: [
      { name: 'x', type: 'linear', domain: epochs > 1 ? [1, epochs] : [0.5, 1.5], range: [0, PANEL.width], zero: false, nice: false },
      { name: 'y', type: log ? 'log' : 'linear', domain: { data: 'points', field: 'value' }, range: [PANEL.height, 0], zero: false, nice: true, padding: log ? 0 : 8 },
      { name: 'colour', type: 'ordinal', domain: kinds, range: kinds.map((k) => SERIES_COLOURS[k]) },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'epoch', tickMinStep: 1, format: 'd', tickCount: Math.min(epochs, 10) },
      { orient: 'left', scale: 'y', title: name.replaceAll('_', ' '), grid: true, tickCount: 6, ...(log ? { format: '~e' } : {}) },
    ],
    legends: kinds.length > 1 ? [{ stroke: 'colour', orient: 'top', direction: 'horizontal', symbolType: 'stroke', symbolStrokeWidth: 2.5 }] : [],
    marks: [{
      type: 'group',
      from: { facet: { name: 'series', data: 'points', groupby: 'series' } },
      marks: [
        { type: 'line', from: { data: 'series' }, encode: { enter: { x: { scale: 'x', field: 'epoch' }, y: { scale: 'y', field: 'value' }, stroke: { scale: 'colour', field: 'series' }, strokeWidth: { value: 2 } } } },
        { type: 'symbol', from: { data: 'series' }, encode: { enter: { x: { scale: 'x', field: 'epoch' }, y: { scale: 'y', field: 'value' }, fill: { scale: 'colour', field: 'series' }, size: { value: epochs <= 30 ? 24 : 0 } } } },
      ],
    }],
  };
}

/** The Vega specification of the curves: panels side by side, each with its own axes. */
export function trainingCurvesSpec(series: Record<string, number[]>, options: { title?: string } = {}): ChartSpec {
  const names = quantities(series).filter((n) => (series[n]?.length ?? 0) + (series[`val_${n}`]?.length ?? 0) > 0);
  if (names.length === 0) throw new Error(`trainingCurves: no series to draw (keys: ${Object.keys(series).join(', ') || 'none'})`);
  return {
    padding: 12,
    autosize: 'pad',
    title: { text: options.title ?? 'Training curves' },
    layout: { columns: names.length, padding: 48, bounds: 'full', align: 'none' },
    marks: names.map((n) => panel(n, series[n], series[`val_${n}`])),
  };
}

/** The curves as SVG text. */
export function trainingCurves(series: Record<string, number[]>, options: { title?: string } = {}): Promise<string> {
  return renderSvg(trainingCurvesSpec(series, options));
}
