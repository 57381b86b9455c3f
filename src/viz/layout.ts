/** Shared pieces of the pictures: titles, the colour-scale bar, number formatting for labels. */
import { BLACK, Canvas, type Rgb, textWidth } from './canvas.js';

/** Short labels: 0.000123 -> '1.2e-4', 12345 -> '12345', 0.5 -> '0.5'. */
export function shortNumber(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1).replace('e', 'e').replace('+', '');
  return String(Number(v.toPrecision(3)));
}

export function title(canvas: Canvas, text: string, y = 8, scale = 2): void {
  canvas.text(text, Math.max(4, Math.floor((canvas.width - textWidth(text, scale)) / 2)), y, BLACK, scale);
}

/** A horizontal colour bar from `lo` to `hi` with its end values written under it. */
export function colourBar(canvas: Canvas, x: number, y: number, w: number, lo: number, hi: number, colour: (t: number) => Rgb, mid?: number): void {
  for (let i = 0; i < w; i++) canvas.fillRect(x + i, y, 1, 12, colour(i / (w - 1)));
  canvas.line(x, y, x + w - 1, y, BLACK);
  canvas.line(x, y + 12, x + w - 1, y + 12, BLACK);
  canvas.line(x, y, x, y + 12, BLACK);
  canvas.line(x + w - 1, y, x + w - 1, y + 12, BLACK);
  canvas.text(shortNumber(lo), x, y + 17);
  const hiText = shortNumber(hi);
  canvas.text(hiText, x + w - textWidth(hiText), y + 17);
  if (mid !== undefined) {
    const m = shortNumber(mid);
    canvas.text(m, x + Math.floor((w - textWidth(m)) / 2), y + 17);
  }
}
