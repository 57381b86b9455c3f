/**
 * Decodes a photo (an uploaded file or a bundled one) into fovea's Image: RGBA values 0..255.
 * The browser's own decoder does the work (createImageBitmap); a file it cannot decode is
 * refused with a message naming it. Files and pictures are bounded, and large photos are scaled
 * down so that filtering stays interactive.
 */
import type { image } from 'fovea';

export type FoveaImage = image.Image;

/** Larger files are refused before decoding. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** The longer side after scaling down. */
export const MAX_SIDE = 512;
/** Larger pictures (a small file can hold a huge one) are refused after decoding. */
export const MAX_PIXELS = 50_000_000;

export class ImageDecodeError extends Error {}

/** Decodes `blob` (named `name` in messages) into an RGBA image at most MAX_SIDE on its longer side. */
export async function decodeImage(blob: Blob, name: string): Promise<FoveaImage> {
  if (blob.size === 0) throw new ImageDecodeError(`"${name}" is empty: choose a PNG, JPEG, GIF, WebP or BMP photo`);
  if (blob.size > MAX_FILE_BYTES) throw new ImageDecodeError(`"${name}" is ${(blob.size / 1048576).toFixed(1)} MB; photos up to ${MAX_FILE_BYTES / 1048576} MB are accepted`);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch {
    throw new ImageDecodeError(`"${name}" is not an image this browser can decode (type ${blob.type || 'unknown'}): choose a PNG, JPEG, GIF, WebP or BMP photo`);
  }
  try {
    if (bitmap.width * bitmap.height > MAX_PIXELS) {
      throw new ImageDecodeError(`"${name}" is ${bitmap.width}×${bitmap.height} pixels; photos up to ${MAX_PIXELS / 1e6} megapixels are accepted`);
    }
    return bitmapToImage(bitmap);
  } finally {
    bitmap.close();
  }
}

function bitmapToImage(bitmap: ImageBitmap): FoveaImage {
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const [width, height] = [Math.max(1, Math.round(bitmap.width * scale)), Math.max(1, Math.round(bitmap.height * scale))];
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new ImageDecodeError('this browser gives no 2D canvas to read the photo with');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, width, height);
  const pixels = ctx.getImageData(0, 0, width, height).data;
  return { width, height, channels: 4, data: Float32Array.from(pixels) };
}

/** Draws an RGBA (or grey) fovea Image, values 0..255, on `canvas`. */
export function drawImage(canvas: HTMLCanvasElement, img: FoveaImage): void {
  canvas.width = img.width;
  canvas.height = img.height;
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('drawImage: this browser gives no 2D canvas context');
  const out = ctx.createImageData(img.width, img.height);
  for (let p = 0; p < img.width * img.height; p++) {
    for (let ch = 0; ch < 4; ch++) {
      const source = img.channels === 1 ? (ch === 3 ? 255 : img.data[p]) : ch < img.channels ? img.data[p * img.channels + ch] : 255;
      out.data[p * 4 + ch] = source;
    }
  }
  ctx.putImageData(out, 0, 0);
}
