/**
 * Training curves: one panel per quantity (loss, accuracy, ...), each with its training series
 * and, when present, the `val_` series, drawn against the epoch with labelled axes, ticks and a
 * legend. Input: a History's `history` record or a CSVLogger file parsed by `parseCsvLog`.
 */
import { BLACK, Canvas, GREY, type Rgb, type RgbaImage, textWidth } from './canvas.js';
import { shortNumber, title } from './layout.js';

const TRAIN: Rgb = [33, 102, 172];
const VAL: Rgb = [214, 96, 77];
// Panel geometry: title and legend above the plot, tick labels and the axis name below it.
const PANEL = { w: 440, h: 330, left: 92, right: 24, top: 74, bottom: 54 };

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

/** ['loss', 'accuracy'] from keys such as loss, accuracy, val_loss, val_accuracy (epoch dropped). */
function quantities(series: Record<string, number[]>): string[] {
  return [...new Set(Object.keys(series).filter((k) => k !== 'epoch').map((k) => k.replace(/^val_/, '')))];
}

function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) as number;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function drawPanel(canvas: Canvas, x0: number, name: string, train: number[] | undefined, val: number[] | undefined): void {
  const all = [...(train ?? []), ...(val ?? [])];
  const epochs = Math.max(train?.length ?? 0, val?.length ?? 0);
  let [lo, hi] = [Math.min(...all), Math.max(...all)];
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const pad = (hi - lo) * 0.05;
  [lo, hi] = [lo - pad, hi + pad];
  const ox = x0 + PANEL.left;
  const oy = PANEL.h - PANEL.bottom;
  const pw = PANEL.w - PANEL.left - PANEL.right;
  const top = PANEL.top;
  const ph = oy - top;
  const px = (e: number) => ox + (epochs <= 1 ? pw / 2 : (e * pw) / (epochs - 1));
  const py = (v: number) => oy - ((v - lo) / (hi - lo)) * ph;
  for (const t of niceTicks(lo, hi)) {
    canvas.line(ox, Math.round(py(t)), ox + pw, Math.round(py(t)), GREY);
    const label = shortNumber(t);
    canvas.text(label, ox - 6 - textWidth(label), Math.round(py(t)) - 7);
  }
  const step = Math.max(1, Math.ceil(epochs / 8));
  for (let e = 0; e < epochs; e += step) {
    canvas.line(Math.round(px(e)), oy, Math.round(px(e)), oy + 4, BLACK);
    const label = String(e + 1);
    canvas.text(label, Math.round(px(e)) - Math.floor(textWidth(label) / 2), oy + 8);
  }
  canvas.line(ox, top, ox, oy, BLACK);
  canvas.line(ox, oy, ox + pw, oy, BLACK);
  canvas.text('epoch', ox + Math.floor((pw - textWidth('epoch')) / 2), oy + 28);
  canvas.textVertical(name, x0 + 8, top + Math.floor((ph + textWidth(name)) / 2));
  const plot = (s: number[] | undefined, c: Rgb) => s?.forEach((v, e) => {
    if (e > 0) canvas.line(Math.round(px(e - 1)), Math.round(py(s[e - 1])), Math.round(px(e)), Math.round(py(v)), c, 2);
    canvas.fillRect(Math.round(px(e)) - 2, Math.round(py(v)) - 2, 5, 5, c);
  });
  plot(train, TRAIN);
  plot(val, VAL);
  legend(canvas, ox + 6, top - 30, train !== undefined, val !== undefined);
}

function legend(canvas: Canvas, x: number, y: number, train: boolean, val: boolean): void {
  let cx = x;
  for (const [show, label, c] of [[train, 'training', TRAIN], [val, 'validation', VAL]] as const) {
    if (!show) continue;
    canvas.fillRect(cx, y + 5, 16, 4, c);
    cx += 22 + canvas.text(label, cx + 22, y, c) + 12;
  }
}

/** One panel per quantity, side by side. */
export function trainingCurves(series: Record<string, number[]>, options: { title?: string } = {}): RgbaImage {
  const names = quantities(series);
  if (names.length === 0 || names.every((n) => (series[n]?.length ?? 0) + (series[`val_${n}`]?.length ?? 0) === 0)) {
    throw new Error(`trainingCurves: no series to draw (keys: ${Object.keys(series).join(', ') || 'none'})`);
  }
  const canvas = new Canvas(PANEL.w * names.length, PANEL.h);
  title(canvas, options.title ?? 'Training curves');
  names.forEach((n, i) => drawPanel(canvas, i * PANEL.w, n, series[n], series[`val_${n}`]));
  return canvas;
}
