/**
 * Decoding one image file of a folder into the pixels a model gets: PNG through pngjs, JPEG
 * through jpeg-js (with their memory limits set), converted to the colour mode's channels and
 * resized. Values stay 0..255 floats, as Keras's loader gives them.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { formatOf } from '../../data/image-header.js';
import { createImage, type Image } from '../../image/image.js';
import { type Interpolation, resizeImage } from '../../image/resize.js';
import { ImageFileError, readBounded } from './image-file.js';

export type ColorMode = 'grayscale' | 'rgb' | 'rgba';

export const CHANNELS: Record<ColorMode, number> = { grayscale: 1, rgb: 3, rgba: 4 };

/** Everything decoding needs: plain data, so it can be posted to a worker thread. */
export interface DecodeOptions {
  colorMode: ColorMode;
  /** [height, width]. */
  imageSize: [number, number];
  interpolation: Interpolation;
  cropToAspectRatio: boolean;
  padToAspectRatio: boolean;
  maxFileBytes: number;
  maxPixels: number;
}

/** RGBA bytes of a PNG or JPEG, or an ImageFileError with the decoder's reason. */
function decodeRgba(bytes: Uint8Array, name: string, maxPixels: number): { width: number; height: number; data: Uint8Array } {
  const format = formatOf(bytes);
  try {
    if (format === 'png') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, data: png.data };
    }
    if (format === 'jpeg') {
      const maxResolutionInMP = maxPixels / 1e6;
      return jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP, maxMemoryUsageInMB: Math.ceil((maxPixels * 8) / 2 ** 20) + 64 });
    }
  } catch (e) {
    throw new ImageFileError(name, `cannot be decoded as ${format === 'png' ? 'PNG' : 'JPEG'}: ${(e as Error).message}`, { cause: e });
  }
  throw new ImageFileError(name, `is ${format === null ? 'not an image' : `a ${format.toUpperCase()} file`}; Fovea decodes PNG and JPEG only`);
}

/** The colour mode's channels from RGBA bytes: grey by BT.601 luma (exact for grey pixels), alpha dropped for rgb. */
function toChannels(rgba: { width: number; height: number; data: Uint8Array }, mode: ColorMode): Image {
  const channels = CHANNELS[mode];
  const { width, height, data } = rgba;
  const out = createImage(width, height, channels);
  const n = width * height;
  if (mode === 'grayscale') {
    for (let i = 0; i < n; i++) {
      const [r, g, b] = [data[i * 4], data[i * 4 + 1], data[i * 4 + 2]];
      out.data[i] = r === g && g === b ? r : 0.299 * r + 0.587 * g + 0.114 * b;
    }
    return out;
  }
  for (let i = 0; i < n; i++) for (let c = 0; c < channels; c++) out.data[i * channels + c] = data[i * 4 + c];
  return out;
}

/** One file as `imageSize` x channels pixel values (row-major HWC). */
export function decodeImageFile(path: string, name: string, o: DecodeOptions): Float32Array {
  const rgba = decodeRgba(readBounded(path, name, o.maxFileBytes), name, o.maxPixels);
  if (rgba.width * rgba.height > o.maxPixels) throw new ImageFileError(name, `is ${rgba.width}x${rgba.height} pixels, more than maxPixels (${o.maxPixels})`);
  const [height, width] = o.imageSize;
  return resizeImage(toChannels(rgba, o.colorMode), height, width, o).data;
}

/** Several files into one [n, height, width, channels] block, in order. */
export function decodeImageFiles(paths: readonly string[], names: readonly string[], o: DecodeOptions): Float32Array {
  const [height, width] = o.imageSize;
  const row = height * width * CHANNELS[o.colorMode];
  const out = new Float32Array(paths.length * row);
  paths.forEach((p, i) => out.set(decodeImageFile(p, names[i], o), i * row));
  return out;
}
