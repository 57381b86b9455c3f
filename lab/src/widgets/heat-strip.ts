/**
 * A vector of activations (a Dense or Flatten output) as rows of coloured cells on a canvas,
 * white (the smallest value) to dark blue (the largest), with fovea's own colour scale so it
 * reads like the feature-map grids above it.
 */
import { viz } from 'fovea';

export interface HeatStripOptions {
  /** Cells per row (default 64). */
  columns?: number;
  /** Pixels per cell (default 8). */
  cell?: number;
}

export function heatStrip(values: ArrayLike<number>, options: HeatStripOptions = {}): HTMLCanvasElement {
  const n = values.length;
  const columns = Math.max(1, Math.min(n, options.columns ?? 64));
  const cell = options.cell ?? 8;
  const rows = Math.ceil(n / columns);
  const canvas = document.createElement('canvas');
  canvas.width = columns * cell;
  canvas.height = rows * cell;
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('heatStrip: this browser gives no 2D canvas context');
  let [lo, hi] = [Infinity, -Infinity];
  for (let i = 0; i < n; i++) [lo, hi] = [Math.min(lo, values[i]), Math.max(hi, values[i])];
  const span = hi > lo ? hi - lo : 1;
  for (let i = 0; i < n; i++) {
    const [r, g, b] = viz.sequential((values[i] - lo) / span);
    ctx.fillStyle = `rgb(${r}, ${g}, ${b})`;
    ctx.fillRect((i % columns) * cell, Math.floor(i / columns) * cell, cell, cell);
  }
  canvas.className = 'lab-heat-strip';
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${n} activations from ${fmt(lo)} to ${fmt(hi)}`);
  return canvas;
}

const fmt = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(3))) : String(v));
