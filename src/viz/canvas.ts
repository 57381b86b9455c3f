/**
 * An RGBA picture in memory and the few drawing operations the charts need: filled rectangles,
 * lines, text (with the built-in bitmap font) and scaled grey-level blocks. Browser-safe: a
 * canvas `ImageData` can be built from `data` directly; Node encodes it as PNG.
 */
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyph } from './font.js';

export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, row-major RGBA. */
  data: Uint8ClampedArray;
}

export type Rgb = readonly [number, number, number];

export const WHITE: Rgb = [255, 255, 255];
export const BLACK: Rgb = [0, 0, 0];
export const GREY: Rgb = [200, 200, 200];

export class Canvas implements RgbaImage {
  readonly data: Uint8ClampedArray;

  constructor(readonly width: number, readonly height: number, background: Rgb = WHITE) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new Error(`Canvas: size must be positive integers, got ${width}x${height}`);
    this.data = new Uint8ClampedArray(width * height * 4);
    this.fillRect(0, 0, width, height, background);
  }

  setPixel(x: number, y: number, c: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (Math.floor(y) * this.width + Math.floor(x)) * 4;
    this.data[i] = c[0];
    this.data[i + 1] = c[1];
    this.data[i + 2] = c[2];
    this.data[i + 3] = 255;
  }

  fillRect(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let j = Math.max(0, Math.floor(y)); j < Math.min(this.height, Math.floor(y + h)); j++) {
      for (let i = Math.max(0, Math.floor(x)); i < Math.min(this.width, Math.floor(x + w)); i++) this.setPixel(i, j, c);
    }
  }

  /** A line `thickness` pixels wide (Bresenham steps, squares at each step). */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, thickness = 1): void {
    const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    const half = Math.floor(thickness / 2);
    for (let s = 0; s <= steps; s++) {
      const x = Math.round(x0 + ((x1 - x0) * s) / steps);
      const y = Math.round(y0 + ((y1 - y0) * s) / steps);
      this.fillRect(x - half, y - half, thickness, thickness, c);
    }
  }

  /** Text with its top-left corner at (x, y); `scale` multiplies the 5x7 font. Returns the width drawn. */
  text(s: string, x: number, y: number, c: Rgb = BLACK, scale = 2): number {
    let cx = x;
    for (const ch of s) {
      const rows = glyph(ch);
      rows.forEach((row, gy) => {
        for (let gx = 0; gx < GLYPH_WIDTH; gx++) if (row[gx] === '#') this.fillRect(cx + gx * scale, y + gy * scale, scale, scale, c);
      });
      cx += (GLYPH_WIDTH + 1) * scale;
    }
    return cx - x;
  }

  /** Text rotated 90 degrees counter-clockwise (reads bottom to top), for y-axis labels. */
  textVertical(s: string, x: number, y: number, c: Rgb = BLACK, scale = 2): void {
    let cy = y;
    for (const ch of s) {
      glyph(ch).forEach((row, gy) => {
        for (let gx = 0; gx < GLYPH_WIDTH; gx++) if (row[gx] === '#') this.fillRect(x + gy * scale, cy - gx * scale, scale, scale, c);
      });
      cy -= (GLYPH_WIDTH + 1) * scale;
    }
  }

  /** Draws `values` (h x w, row-major) as blocks of `cell` pixels, colouring each with `colour`. */
  blocks(values: ArrayLike<number>, w: number, h: number, x: number, y: number, cell: number, colour: (v: number) => Rgb): void {
    for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) this.fillRect(x + i * cell, y + j * cell, cell, cell, colour(values[j * w + i]));
  }
}

/** Width in pixels of `s` drawn at `scale`. */
export function textWidth(s: string, scale = 2): number {
  return [...s].length * (GLYPH_WIDTH + 1) * scale - scale;
}

export const textHeight = (scale = 2): number => GLYPH_HEIGHT * scale;
