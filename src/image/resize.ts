/**
 * Resizing images: bilinear (pixel centres aligned, as tf.image.resize with half-pixel centres)
 * or nearest neighbour, and Keras's crop / pad to the target's aspect ratio before resizing.
 * Browser-safe; values stay float (no rounding).
 */
import { createImage, type Image } from './image.js';

export type Interpolation = 'bilinear' | 'nearest';

/** Bilinear resize with pixel centres aligned (source x = (x + 0.5) * scale - 0.5, clamped). */
export function resizeBilinear(image: Image, width: number, height: number): Image {
  const out = createImage(width, height, image.channels);
  const sx = image.width / width;
  const sy = image.height / height;
  const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  for (let y = 0; y < height; y++) {
    const fy = clamp((y + 0.5) * sy - 0.5, image.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, image.height - 1);
    for (let x = 0; x < width; x++) {
      const fx = clamp((x + 0.5) * sx - 0.5, image.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, image.width - 1);
      for (let c = 0; c < image.channels; c++) {
        const at = (yy: number, xx: number) => image.data[(yy * image.width + xx) * image.channels + c];
        const top = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * (fx - x0);
        const bottom = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * (fx - x0);
        out.data[(y * width + x) * image.channels + c] = top + (bottom - top) * (fy - y0);
      }
    }
  }
  return out;
}

/** Nearest-neighbour resize: the source pixel whose centre is nearest each target centre. */
export function resizeNearest(image: Image, width: number, height: number): Image {
  const out = createImage(width, height, image.channels);
  const c = image.channels;
  for (let y = 0; y < height; y++) {
    const sy = Math.min(Math.floor((y + 0.5) * image.height / height), image.height - 1);
    for (let x = 0; x < width; x++) {
      const sx = Math.min(Math.floor((x + 0.5) * image.width / width), image.width - 1);
      out.data.set(image.data.subarray((sy * image.width + sx) * c, (sy * image.width + sx + 1) * c), (y * width + x) * c);
    }
  }
  return out;
}

/** The window [top, left, height, width] of `image`. */
export function cropImage(image: Image, top: number, left: number, height: number, width: number): Image {
  const c = image.channels;
  const out = createImage(width, height, c);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * c;
    out.data.set(image.data.subarray(from, from + width * c), y * width * c);
  }
  return out;
}

/** `image` centred on a zero canvas of height x width (at least as large). */
function padImage(image: Image, height: number, width: number): Image {
  const c = image.channels;
  const out = createImage(width, height, c);
  const top = Math.floor((height - image.height) / 2);
  const left = Math.floor((width - image.width) / 2);
  for (let y = 0; y < image.height; y++) {
    out.data.set(image.data.subarray(y * image.width * c, (y + 1) * image.width * c), ((top + y) * width + left) * c);
  }
  return out;
}

/** The largest centred window with the target's aspect ratio (Keras's crop_to_aspect_ratio). */
export function cropToAspectRatio(image: Image, targetHeight: number, targetWidth: number): Image {
  const { width, height } = image;
  const cropHeight = Math.max(Math.min(height, Math.trunc((width * targetHeight) / targetWidth)), 1);
  const cropWidth = Math.max(Math.min(width, Math.trunc((height * targetWidth) / targetHeight)), 1);
  if (cropHeight === height && cropWidth === width) return image;
  return cropImage(image, Math.trunc((height - cropHeight) / 2), Math.trunc((width - cropWidth) / 2), cropHeight, cropWidth);
}

/** The image centred in the smallest zero border with the target's aspect ratio (Keras's pad_to_aspect_ratio). */
export function padToAspectRatio(image: Image, targetHeight: number, targetWidth: number): Image {
  const { width, height } = image;
  const padHeight = Math.max(height, Math.trunc((width * targetHeight) / targetWidth));
  const padWidth = Math.max(width, Math.trunc((height * targetWidth) / targetHeight));
  if (padHeight === height && padWidth === width) return image;
  return padImage(image, padHeight, padWidth);
}

export interface ResizeOptions {
  interpolation?: Interpolation;
  cropToAspectRatio?: boolean;
  padToAspectRatio?: boolean;
}

/** `image` resized to height x width, cropped or padded to the aspect ratio first when asked. */
export function resizeImage(image: Image, height: number, width: number, o: ResizeOptions = {}): Image {
  if (o.cropToAspectRatio && o.padToAspectRatio) throw new Error('resizeImage: only one of cropToAspectRatio and padToAspectRatio can be true');
  let source = image;
  if (o.cropToAspectRatio) source = cropToAspectRatio(image, height, width);
  else if (o.padToAspectRatio) source = padToAspectRatio(image, height, width);
  if (source.width === width && source.height === height) return source;
  return (o.interpolation ?? 'bilinear') === 'nearest' ? resizeNearest(source, width, height) : resizeBilinear(source, width, height);
}
