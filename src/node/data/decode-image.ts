/**
 * Decoding one image file of a folder into the pixels a model gets: 8-bit PNGs on a direct path
 * (png-8bit.ts), other PNGs through pngjs, JPEG through jpeg-js (with their memory limits set),
 * converted to the colour mode's channels and resized, written straight into the batch's block.
 * Values stay 0..255 floats, as Keras's loader gives them.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { formatOf } from '../../data/image-header.js';
import { createImage } from '../../image/image.js';
import { type Interpolation, resizeImage } from '../../image/resize.js';
import { ImageFileError, readBounded, ReadScratch } from './image-file.js';
import { decodePng8, png8Header, PngDecodeError } from './png-8bit.js';

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

/**
 * Decoded 8-bit samples, row r's pixels starting at `start + r * rowBytes` of `data`, `channels`
 * per pixel: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. Both decoders' outputs are read through it
 * without another copy.
 */
interface Samples {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  data: Uint8Array;
  start: number;
  rowBytes: number;
}

const pngReason = (e: unknown) => `cannot be decoded as PNG: ${(e as Error).message}`;

/** A PNG on the direct 8-bit path when it qualifies, else through pngjs (as RGBA). */
function decodePng(bytes: Uint8Array, name: string, maxPixels: number): Samples {
  const header = png8Header(bytes);
  if (header !== null) {
    checkPixels(header.width, header.height, name, maxPixels);
    let direct: ReturnType<typeof decodePng8>;
    try {
      direct = decodePng8(bytes, header);
    } catch (e) {
      if (e instanceof PngDecodeError) throw new ImageFileError(name, pngReason(e), { cause: e });
      throw e;
    }
    // Fields spelled out, not `{ ...direct, start: 1 }`: V8 placed each such spread copy in the
    // decoding worker's old generation (~240 bytes an image, 15 KB a batch of 64), so the worker's
    // heap grew by megabytes over an epoch until its next full collection.
    if (direct !== null) return { width: direct.width, height: direct.height, channels: direct.channels, data: direct.data, start: 1, rowBytes: direct.rowBytes };
  }
  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { width: png.width, height: png.height, channels: 4, data: png.data, start: 0, rowBytes: png.width * 4 };
  } catch (e) {
    throw new ImageFileError(name, pngReason(e), { cause: e });
  }
}

/** The 8-bit samples of a PNG or JPEG, or an ImageFileError with the decoder's reason. */
function decodeSamples(bytes: Uint8Array, name: string, maxPixels: number): Samples {
  const format = formatOf(bytes);
  if (format === 'png') return decodePng(bytes, name, maxPixels);
  if (format === 'jpeg') {
    try {
      const maxResolutionInMP = maxPixels / 1e6;
      const rgba = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP, maxMemoryUsageInMB: Math.ceil((maxPixels * 8) / 2 ** 20) + 64 });
      return { width: rgba.width, height: rgba.height, channels: 4, data: rgba.data, start: 0, rowBytes: rgba.width * 4 };
    } catch (e) {
      throw new ImageFileError(name, `cannot be decoded as JPEG: ${(e as Error).message}`, { cause: e });
    }
  }
  throw new ImageFileError(name, `is ${format === null ? 'not an image' : `a ${format.toUpperCase()} file`}; Fovea decodes PNG and JPEG only`);
}

function checkPixels(width: number, height: number, name: string, maxPixels: number): void {
  if (width * height > maxPixels) throw new ImageFileError(name, `is ${width}x${height} pixels, more than maxPixels (${maxPixels})`);
}

/**
 * Writes the samples in the colour mode's channels into `out` from `at`: grey by BT.601 luma
 * (exact for grey pixels), grey repeated for RGB, alpha 255 where the file has none, alpha
 * dropped for rgb.
 */
function writeSamples(src: Samples, mode: ColorMode, out: Float32Array, at: number): void {
  const { width, height, channels: k, data: d } = src;
  const grey = k < 3;
  const alpha = k === 2 || k === 4;
  let o = at;
  for (let y = 0; y < height; y++) {
    for (let x = 0, p = src.start + y * src.rowBytes; x < width; x++, p += k) {
      const r = d[p];
      const g = grey ? r : d[p + 1];
      const b = grey ? r : d[p + 2];
      if (mode === 'grayscale') {
        out[o++] = r === g && g === b ? r : 0.299 * r + 0.587 * g + 0.114 * b;
        continue;
      }
      out[o++] = r;
      out[o++] = g;
      out[o++] = b;
      if (mode === 'rgba') out[o++] = alpha ? d[p + k - 1] : 255;
    }
  }
}

/**
 * One file's pixels, `imageSize` x channels values (row-major HWC), written into `out` from `at`:
 * directly when the image already has that size, else through an image that is resized.
 */
export function decodeImageInto(path: string, name: string, o: DecodeOptions, out: Float32Array, at: number, scratch?: ReadScratch): void {
  const samples = decodeSamples(readBounded(path, name, o.maxFileBytes, scratch), name, o.maxPixels);
  checkPixels(samples.width, samples.height, name, o.maxPixels);
  const [height, width] = o.imageSize;
  // Cropping or padding an image of the target's size to the target's aspect ratio is the identity.
  if (samples.width === width && samples.height === height) return writeSamples(samples, o.colorMode, out, at);
  const image = createImage(samples.width, samples.height, CHANNELS[o.colorMode]);
  writeSamples(samples, o.colorMode, image.data, 0);
  out.set(resizeImage(image, height, width, o).data, at);
}

/** Values one image takes: height x width x channels. */
export function valuesPerImage(o: DecodeOptions): number {
  return o.imageSize[0] * o.imageSize[1] * CHANNELS[o.colorMode];
}

/** Several files into `out` as one [n, height, width, channels] block, in order (out may be a tensor's own storage or a shared slot). */
export function decodeImagesInto(paths: readonly string[], names: readonly string[], o: DecodeOptions, out: Float32Array): void {
  const row = valuesPerImage(o);
  if (out.length < paths.length * row) throw new Error(`decodeImagesInto: out holds ${out.length} values, ${paths.length} images need ${paths.length * row}`);
  for (let i = 0; i < paths.length; i++) decodeImageInto(paths[i], names[i], o, out, i * row, readScratch);
}

/**
 * The file buffer batches reuse on this thread (each worker has its own): decoding is synchronous
 * and nothing keeps the file's bytes (pixels are copied out), so one buffer serves every file.
 */
const readScratch = new ReadScratch();

/** Several files into a new [n, height, width, channels] block, in order. */
export function decodeImageFiles(paths: readonly string[], names: readonly string[], o: DecodeOptions): Float32Array {
  const out = new Float32Array(paths.length * valuesPerImage(o));
  decodeImagesInto(paths, names, o, out);
  return out;
}
