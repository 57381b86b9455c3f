/**
 * One small image (a filter's weights, a feature map) as pixels: each value becomes a block of
 * `cell` x `cell` identical pixels (nearest neighbour, no smoothing), so the picture is exact at
 * its natural size in any viewer; charts also mark it for pixelated scaling when zoomed.
 */
import type { Rgb } from './colormap.js';
import type { RgbaImage } from './rgba-image.js';

export function pixelTile(values: ArrayLike<number>, width: number, height: number, cell: number, colour: (v: number) => Rgb): RgbaImage {
  if (values.length !== width * height) throw new Error(`pixelTile: ${width}x${height} needs ${width * height} values, got ${values.length}`);
  if (!Number.isInteger(cell) || cell < 1) throw new Error(`pixelTile: cell must be a positive integer, got ${cell}`);
  const [w, h] = [width * cell, height * cell];
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [r, g, b] = colour(values[Math.floor(y / cell) * width + Math.floor(x / cell)]);
      data.set([r, g, b, 255], (y * w + x) * 4);
    }
  }
  return { width: w, height: h, data };
}
