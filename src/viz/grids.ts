/**
 * Grids of small images: a conv layer's filters (one tile per filter and input channel, signed
 * weights on a blue-white-red scale centred on zero, one scale for the whole layer so tiles
 * compare) and the feature maps one input produces (one tile per channel, white to dark blue,
 * one scale for all maps). The tiles are pixel-exact PNG images inside an SVG chart; Vega draws
 * the title, the tile labels and the colour legend around them.
 */
import type { Spec } from 'vega';
import { DIVERGING_STOPS, type Rgb, SEQUENTIAL_STOPS, diverging, hex, sequential } from './colormap.js';
import { pngDataUrl } from './png-encode.js';
import { pixelTile } from './pixel-tile.js';
import { type ChartSpec, renderSvg } from './vega-svg.js';

export interface FilterGridOptions {
  /** 'HWIO' (Keras Conv2D kernels, default) or 'OIHW' (nn.Conv2d weights). */
  layout?: 'HWIO' | 'OIHW';
  title?: string;
  /** Input channels shown per filter (default 8). */
  maxInputChannels?: number;
  /** Pixels per weight (default: fits a tile of about 48 pixels). */
  cell?: number;
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

/** A placed tile: its top-left corner in chart pixels, its picture and its label. */
export interface PlacedTile {
  x: number;
  y: number;
  width: number;
  height: number;
  url: string;
  label: string;
}

const GAP = 10;
const LABEL = 16;

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

function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < values.length; k++) m = Math.max(m, Math.abs(values[k]));
  return m;
}

/** Tiles and the texts around them, with the colour legend of `stops` over `domain`. */
function gridSpec(title: string, tiles: PlacedTile[], texts: { x: number; y: number; text: string; align: 'left' | 'right' }[], legend: { title: string; domain: number[]; stops: readonly Rgb[]; values: number[] }): Spec {
  return {
    padding: 12,
    autosize: 'pad',
    width: Math.max(...tiles.map((t) => t.x + t.width)),
    height: Math.max(...tiles.map((t) => t.y + t.height)),
    title: { text: title, anchor: 'start' },
    data: [{ name: 'tiles', values: tiles }, { name: 'texts', values: texts }],
    scales: [{ name: 'colour', type: 'linear', domain: legend.domain, range: legend.stops.map(hex), interpolate: 'rgb', zero: false, nice: false }],
    legends: [{ fill: 'colour', type: 'gradient', title: legend.title, orient: 'right', gradientLength: 160, format: '.3~g', values: legend.values }],
    marks: [
      { type: 'image', from: { data: 'tiles' }, encode: { enter: { x: { field: 'x' }, y: { field: 'y' }, width: { field: 'width' }, height: { field: 'height' }, url: { field: 'url' }, aspect: { value: false }, smooth: { value: false } } } },
      // A thin frame so pale tiles stand out from the white page.
      // Its stroke (centred on the path) lies wholly outside the tile, leaving every tile pixel as it is.
      { type: 'rect', from: { data: 'tiles' }, encode: { enter: { x: { signal: 'datum.x - 0.5' }, y: { signal: 'datum.y - 0.5' }, width: { signal: 'datum.width + 1' }, height: { signal: 'datum.height + 1' }, stroke: { value: '#bbbbbb' }, strokeWidth: { value: 0.5 } } } },
      { type: 'text', from: { data: 'tiles' }, encode: { enter: { x: { field: 'x' }, y: { signal: 'datum.y - 4' }, text: { field: 'label' }, baseline: { value: 'bottom' }, fontSize: { value: 10 }, fill: { value: '#333' } } } },
      { type: 'text', from: { data: 'texts' }, encode: { enter: { x: { field: 'x' }, y: { field: 'y' }, text: { field: 'text' }, align: { field: 'align' }, baseline: { value: 'middle' }, fontSize: { value: 10 }, fill: { value: '#333' } } } },
    ],
  };
}

/** The Vega specification of a conv layer's filters. */
export function filterGridSpec(values: ArrayLike<number>, shape: readonly number[], options: FilterGridOptions = {}): ChartSpec {
  if (shape.length !== 4) throw new Error(`filterGrid: expected a 4-D conv kernel, got shape [${shape.join(', ')}]`);
  const layout = options.layout ?? 'HWIO';
  const [kh, kw, ci, co] = layout === 'HWIO' ? shape : [shape[2], shape[3], shape[1], shape[0]];
  if (values.length !== kh * kw * ci * co) throw new Error(`filterGrid: shape [${shape.join(', ')}] needs ${kh * kw * ci * co} values, got ${values.length}`);
  const inputs = Math.min(ci, options.maxInputChannels ?? 8);
  const cell = options.cell ?? Math.max(2, Math.floor(48 / Math.max(kh, kw)));
  const scale = maxAbs(values) || 1;
  const colour = (v: number) => diverging(v / scale);
  // One input channel: filters in rows of 8, each labelled with its index. Several: one row per
  // filter (labelled f0, f1, ...), one column per input channel (numbered in the first row).
  const perRow = inputs === 1 ? Math.min(co, 8) : 1;
  const left = inputs === 1 ? 0 : 36;
  const [tw, th] = [kw * cell, kh * cell];
  const tiles: PlacedTile[] = [];
  const texts: { x: number; y: number; text: string; align: 'left' | 'right' }[] = [];
  for (let o = 0; o < co; o++) {
    const [r, c] = [Math.floor(o / perRow), o % perRow];
    const y = LABEL + r * (th + (inputs === 1 ? LABEL + GAP : GAP));
    if (inputs > 1) texts.push({ x: left - 8, y: y + th / 2, text: `f${o}`, align: 'right' });
    for (let i = 0; i < inputs; i++) {
      const label = inputs === 1 ? String(o) : o === 0 ? `in ${i}` : '';
      const url = pngDataUrl(pixelTile(filterTile(values, shape, layout, o, i), kw, kh, cell, colour));
      tiles.push({ x: left + (c * inputs + i) * (tw + GAP), y, width: tw, height: th, url, label });
    }
  }
  const shown = inputs < ci ? ` (input channels 0-${inputs - 1} of ${ci})` : '';
  return gridSpec((options.title ?? `${co} filters ${kh}x${kw}x${ci}`) + shown, tiles, texts, { title: 'weight', domain: [-scale, 0, scale], stops: DIVERGING_STOPS, values: [-scale, 0, scale] });
}

/** The Vega specification of one sample's feature maps. */
export function featureGridSpec(values: ArrayLike<number>, shape: readonly number[], options: FeatureGridOptions = {}): ChartSpec {
  if (shape.length !== 3) throw new Error(`featureGrid: expected one sample's maps [H, W, C] or [C, H, W], got shape [${shape.join(', ')}]`);
  const layout = options.layout ?? 'HWC';
  const [h, w, c] = layout === 'HWC' ? shape : [shape[1], shape[2], shape[0]];
  if (values.length !== h * w * c) throw new Error(`featureGrid: shape [${shape.join(', ')}] needs ${h * w * c} values, got ${values.length}`);
  const maps = Math.min(c, options.maxMaps ?? 64);
  const columns = Math.min(maps, options.columns ?? 8);
  const cell = Math.max(1, Math.floor(64 / Math.max(h, w)));
  let [lo, hi] = [Infinity, -Infinity];
  for (let k = 0; k < values.length; k++) [lo, hi] = [Math.min(lo, values[k]), Math.max(hi, values[k])];
  const span = hi > lo ? hi - lo : 1;
  const colour = (v: number) => sequential((v - lo) / span);
  const tiles: PlacedTile[] = [];
  for (let m = 0; m < maps; m++) {
    const map = new Float32Array(h * w);
    for (let p = 0; p < h * w; p++) map[p] = layout === 'HWC' ? values[p * c + m] : values[m * h * w + p];
    const [x, y] = [(m % columns) * (w * cell + GAP), LABEL + Math.floor(m / columns) * (h * cell + LABEL + GAP)];
    tiles.push({ x, y, width: w * cell, height: h * cell, url: pngDataUrl(pixelTile(map, w, h, cell, colour)), label: String(m) });
  }
  const title = options.title ?? `${c} feature maps ${h}x${w}`;
  const top = hi > lo ? hi : lo + 1;
  return gridSpec(title + (maps < c ? ` (${maps} shown)` : ''), tiles, [], { title: 'activation', domain: [lo, top], stops: SEQUENTIAL_STOPS, values: [lo, top] });
}

/** A conv layer's filters as SVG text. */
export function filterGrid(values: ArrayLike<number>, shape: readonly number[], options: FilterGridOptions = {}): Promise<string> {
  return renderSvg(filterGridSpec(values, shape, options));
}

/** One sample's feature maps as SVG text. */
export function featureGrid(values: ArrayLike<number>, shape: readonly number[], options: FeatureGridOptions = {}): Promise<string> {
  return renderSvg(featureGridSpec(values, shape, options));
}
