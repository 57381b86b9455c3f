/**
 * A generated image folder for tests and benchmarks: one sub-folder per class of drawn shapes
 * (circle, square, triangle), filled in one grey or colour on another, of varied sizes and
 * aspect ratios, saved as PNG (grey, RGB or RGBA) and JPEG (RGB) in turn. The same seed writes
 * the same files.
 *
 *   writeShapesFolder('/tmp/shapes', { perClass: 100, seed: 1 }); // 300 images in circle/ square/ triangle/
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { Random } from '../../tensor/random.js';

export const SHAPE_CLASSES = ['circle', 'square', 'triangle'] as const;
export type ShapeClass = (typeof SHAPE_CLASSES)[number];

export interface ShapesFolderOptions {
  /** Images per class (default 100). */
  perClass?: number;
  seed?: number;
  /** Smallest and largest side in pixels (default 24 and 64). */
  minSide?: number;
  maxSide?: number;
  /** Encodings used in turn (default all four). */
  kinds?: readonly ImageKind[];
}

export type ImageKind = 'png-grey' | 'png-rgb' | 'png-rgba' | 'jpeg';

/** Whether pixel (x, y) of a width x height picture lies in the shape centred at (cx, cy) with half-size r. */
function inside(shape: ShapeClass, x: number, y: number, cx: number, cy: number, r: number): boolean {
  const dx = x + 0.5 - cx;
  const dy = y + 0.5 - cy;
  if (shape === 'circle') return dx * dx + dy * dy <= r * r;
  if (shape === 'square') return Math.abs(dx) <= r * 0.85 && Math.abs(dy) <= r * 0.85;
  // An upward triangle: base at cy + r, apex at cy - r.
  const t = (dy + r) / (2 * r);
  return t >= 0 && t <= 1 && Math.abs(dx) <= t * r;
}

/** RGBA pixels of one shape on a background, colours far enough apart to see. */
export function drawShape(shape: ShapeClass, width: number, height: number, rng: Random, grey: boolean): Uint8Array {
  const pick = () => (grey ? Array(3).fill(rng.int(256)) : [rng.int(256), rng.int(256), rng.int(256)]);
  const background = pick();
  let foreground = pick();
  while (Math.abs(foreground[0] + foreground[1] + foreground[2] - background[0] - background[1] - background[2]) < 300) foreground = pick();
  const r = (Math.min(width, height) / 2) * rng.uniform(0.6, 0.9);
  const cx = width / 2 + rng.uniform(-0.1, 0.1) * width;
  const cy = height / 2 + rng.uniform(-0.1, 0.1) * height;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = inside(shape, x, y, cx, cy, r) ? foreground : background;
      data.set([c[0], c[1], c[2], 255], (y * width + x) * 4);
    }
  }
  return data;
}

function encode(kind: ImageKind, width: number, height: number, rgba: Uint8Array): Buffer {
  if (kind === 'jpeg') return jpeg.encode({ width, height, data: Buffer.from(rgba) }, 92).data;
  const png = new PNG({ width, height, colorType: kind === 'png-grey' ? 0 : kind === 'png-rgb' ? 2 : 6, inputColorType: 6 });
  Buffer.from(rgba).copy(png.data);
  if (kind === 'png-rgba') for (let i = 3; i < png.data.length; i += 4) png.data[i] = 200 + (i % 56);
  return PNG.sync.write(png, { colorType: kind === 'png-grey' ? 0 : kind === 'png-rgb' ? 2 : 6, inputColorType: 6 });
}

/**
 * Writes a temporary name, then renames: a reader never sees half a file. Unlike
 * writeFileAtomicSync there is no fsync and no scan of the folder for stale temporaries per file
 * (that scan made a 50,000-file folder quadratic); a generated folder can simply be generated again.
 */
function writeVisibleWhole(path: string, bytes: Uint8Array): void {
  const temp = `${path}.partial`;
  writeFileSync(temp, bytes, { flag: 'w' });
  renameSync(temp, path);
}

/** Writes the folder; returns the class names and the number of files. */
export function writeShapesFolder(dir: string, o: ShapesFolderOptions = {}): { classNames: string[]; files: number } {
  const rng = new Random(o.seed ?? 1);
  const perClass = o.perClass ?? 100;
  const [minSide, maxSide] = [o.minSide ?? 24, o.maxSide ?? 64];
  const kinds = o.kinds ?? ['png-grey', 'png-rgb', 'png-rgba', 'jpeg'];
  let files = 0;
  for (const shape of SHAPE_CLASSES) {
    mkdirSync(join(dir, shape), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const kind = kinds[files % kinds.length];
      const width = minSide + rng.int(maxSide - minSide + 1);
      const height = minSide + rng.int(maxSide - minSide + 1);
      const rgba = drawShape(shape, width, height, rng, kind === 'png-grey');
      writeVisibleWhole(join(dir, shape, `${shape}-${String(i).padStart(5, '0')}.${kind === 'jpeg' ? 'jpg' : 'png'}`), encode(kind, width, height, rgba));
      files++;
    }
  }
  return { classNames: [...SHAPE_CLASSES], files };
}
