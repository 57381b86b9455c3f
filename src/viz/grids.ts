/**
 * Grids of small images: a conv layer's filters (one tile per filter and input channel, signed
 * weights on a blue-white-red scale centred on zero, one scale for the whole layer so tiles
 * compare) and the feature maps one input produces (one tile per channel, white to dark blue,
 * one scale for all maps). Each picture has a title, tile labels and its colour scale.
 */
import { Canvas, GREY, type RgbaImage, textWidth } from './canvas.js';
import { diverging, sequential } from './colormap.js';
import { colourBar, title } from './layout.js';

export interface FilterGridOptions {
  /** 'HWIO' (Keras Conv2D kernels, default) or 'OIHW' (nn.Conv2d weights). */
  layout?: 'HWIO' | 'OIHW';
  title?: string;
  /** Input channels shown per filter (default 8). */
  maxInputChannels?: number;
  /** Pixels per weight (default: fits a tile of about 48 pixels). */
  cell?: number;
}

/** Values of filter `o`, input channel `i` as a kh x kw row-major array. */
function filterTile(values: ArrayLike<number>, shape: readonly number[], layout: 'HWIO' | 'OIHW', o: number, i: number): Float32Array {
  const [kh, kw, ci, co] = layout === 'HWIO' ? shape : [shape[2], shape[3], shape[1], shape[0]];
  const tile = new Float32Array(kh * kw);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      tile[y * kw + x] = layout === 'HWIO' ? values[((y * kw + x) * ci + i) * co + o] : values[((o * ci + i) * kh + y) * kw + x];
    }
  }
  return tile;
}

export function filterGrid(values: ArrayLike<number>, shape: readonly number[], options: FilterGridOptions = {}): RgbaImage {
  if (shape.length !== 4) throw new Error(`filterGrid: expected a 4-D conv kernel, got shape [${shape.join(', ')}]`);
  const layout = options.layout ?? 'HWIO';
  const [kh, kw, ci, co] = layout === 'HWIO' ? shape : [shape[2], shape[3], shape[1], shape[0]];
  const inputs = Math.min(ci, options.maxInputChannels ?? 8);
  const cell = options.cell ?? Math.max(2, Math.floor(48 / Math.max(kh, kw)));
  const tile = { w: kw * cell, h: kh * cell };
  const perRow = inputs === 1 ? Math.min(co, 8) : 1;
  const rowsOfFilters = Math.ceil(co / perRow);
  const gap = 22;
  const left = inputs === 1 ? 8 : 60;
  const top = inputs === 1 ? 60 : 76;
  const header = `input channel -> (${inputs} of ${ci} shown)`;
  const width = Math.max(left + perRow * inputs * (tile.w + 8) + 8, 280, inputs > 1 ? left + textWidth(header) + 8 : 0);
  const height = top + rowsOfFilters * (tile.h + gap) + 50;
  const canvas = new Canvas(width, height);
  let maxAbs = 0;
  for (let k = 0; k < values.length; k++) maxAbs = Math.max(maxAbs, Math.abs(values[k]));
  const scale = maxAbs || 1;
  title(canvas, options.title ?? `${co} filters ${kh}x${kw}x${ci}`);
  if (inputs > 1) canvas.text(header, left, 32);
  for (let o = 0; o < co; o++) {
    const [r, c] = [Math.floor(o / perRow), o % perRow];
    const y = top + r * (tile.h + gap);
    if (inputs === 1) canvas.text(String(o), left + c * (tile.w + 8), y - 16);
    else canvas.text(`f${o}`, 8, y + Math.floor(tile.h / 2) - 7);
    for (let i = 0; i < inputs; i++) {
      const x = left + (c * inputs + i) * (tile.w + 8);
      if (inputs > 1 && o === 0) canvas.text(String(i), x, y - 16);
      canvas.blocks(filterTile(values, shape, layout, o, i), kw, kh, x, y, cell, (v) => diverging(v / scale));
      frame(canvas, x, y, tile.w, tile.h);
    }
  }
  colourBar(canvas, 8, height - 40, Math.min(240, width - 16), -scale, scale, (t) => diverging(2 * t - 1), 0);
  return canvas;
}

/** A one-pixel grey frame just outside a tile, so pale tiles stand out from the background. */
function frame(canvas: Canvas, x: number, y: number, w: number, h: number): void {
  canvas.line(x - 1, y - 1, x + w, y - 1, GREY);
  canvas.line(x - 1, y + h, x + w, y + h, GREY);
  canvas.line(x - 1, y - 1, x - 1, y + h, GREY);
  canvas.line(x + w, y - 1, x + w, y + h, GREY);
}

export interface FeatureGridOptions {
  /** 'HWC' (channels last, default) or 'CHW'. */
  layout?: 'HWC' | 'CHW';
  title?: string;
  /** Maps shown (default 64). */
  maxMaps?: number;
  /** Tiles per row (default 8). */
  columns?: number;
}

export function featureGrid(values: ArrayLike<number>, shape: readonly number[], options: FeatureGridOptions = {}): RgbaImage {
  if (shape.length !== 3) throw new Error(`featureGrid: expected one sample's maps [H, W, C] or [C, H, W], got shape [${shape.join(', ')}]`);
  const layout = options.layout ?? 'HWC';
  const [h, w, c] = layout === 'HWC' ? shape : [shape[1], shape[2], shape[0]];
  const maps = Math.min(c, options.maxMaps ?? 64);
  const columns = Math.min(maps, options.columns ?? 8);
  const cell = Math.max(1, Math.floor(64 / Math.max(h, w)));
  const tile = { w: w * cell, h: h * cell };
  const gap = 22;
  const top = 44;
  const width = Math.max(8 + columns * (tile.w + 8), 280);
  const rows = Math.ceil(maps / columns);
  const canvas = new Canvas(width, top + rows * (tile.h + gap) + 50);
  let [lo, hi] = [Infinity, -Infinity];
  for (let k = 0; k < values.length; k++) [lo, hi] = [Math.min(lo, values[k]), Math.max(hi, values[k])];
  const span = hi > lo ? hi - lo : 1;
  title(canvas, options.title ?? `${c} feature maps ${h}x${w}${maps < c ? ` (${maps} shown)` : ''}`);
  for (let m = 0; m < maps; m++) {
    const [x, y] = [8 + (m % columns) * (tile.w + 8), top + Math.floor(m / columns) * (tile.h + gap)];
    const map = new Float32Array(h * w);
    for (let p = 0; p < h * w; p++) map[p] = layout === 'HWC' ? values[p * c + m] : values[m * h * w + p];
    canvas.text(String(m), x, y - 16);
    canvas.blocks(map, w, h, x, y, cell, (v) => sequential((v - lo) / span));
    frame(canvas, x, y, tile.w, tile.h);
  }
  colourBar(canvas, 8, canvas.height - 40, Math.min(240, width - 16), lo, hi, sequential);
  return canvas;
}

