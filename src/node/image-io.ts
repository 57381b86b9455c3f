/**
 * Reading PNG and JPEG files into Images and writing Images and RGBA pictures as PNG (Node only).
 * PNG goes through pngjs and JPEG through jpeg-js; files are written atomically (a temporary
 * file in the same folder, then a rename) so a reader never sees half a picture.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomicSync } from './io/atomic-write.js';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { createImage, type Image } from '../image/image.js';
import type { RgbaImage } from '../viz/rgba-image.js';

/** PNG or JPEG by content (magic bytes), as grey (when every pixel is grey), RGB or RGBA. */
export function readImage(path: string): Image {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`readImage: cannot read ${path} (${(e as Error).message})`);
  }
  const rgba = decode(bytes, path);
  return fromRgba(rgba);
}

function decode(bytes: Buffer, path: string): RgbaImage {
  const isPng = bytes.length > 8 && bytes.readUInt32BE(0) === 0x89504e47;
  const isJpeg = bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8;
  try {
    if (isPng) {
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, data: new Uint8ClampedArray(png.data) };
    }
    if (isJpeg) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
      return { width: img.width, height: img.height, data: new Uint8ClampedArray(img.data) };
    }
  } catch (e) {
    throw new Error(`readImage: ${path} is not a valid ${isPng ? 'PNG' : 'JPEG'} file (${(e as Error).message})`);
  }
  throw new Error(`readImage: ${path} is neither a PNG nor a JPEG file`);
}

/** Keeps only the channels the picture uses: 1 when R = G = B everywhere, 3 without transparency. */
function fromRgba({ width, height, data }: RgbaImage): Image {
  const n = width * height;
  let grey = true;
  let opaque = true;
  for (let i = 0; i < n && (grey || opaque); i++) {
    if (data[i * 4] !== data[i * 4 + 1] || data[i * 4] !== data[i * 4 + 2]) grey = false;
    if (data[i * 4 + 3] !== 255) opaque = false;
  }
  const channels = opaque ? (grey ? 1 : 3) : 4;
  const out = createImage(width, height, channels);
  for (let i = 0; i < n; i++) for (let c = 0; c < channels; c++) out.data[i * channels + c] = data[i * 4 + c];
  return out;
}

/** An Image (values clamped to 0..255) as RGBA bytes. */
export function imageToRgba(image: Image): RgbaImage {
  const { width, height, channels } = image;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const px = (c: number) => image.data[i * channels + c];
    const [r, g, b] = channels >= 3 ? [px(0), px(1), px(2)] : [px(0), px(0), px(0)];
    data.set([r, g, b, channels === 4 ? px(3) : 255], i * 4);
  }
  return { width, height, data };
}

export function encodePng(picture: RgbaImage): Buffer {
  const png = new PNG({ width: picture.width, height: picture.height });
  Buffer.from(picture.data.buffer, picture.data.byteOffset, picture.data.byteLength).copy(png.data);
  return PNG.sync.write(png);
}

/** Writes an RGBA picture or an Image as a PNG file, atomically. */
export function writePng(path: string, picture: RgbaImage | Image): void {
  const rgba = 'channels' in picture ? imageToRgba(picture) : picture;
  writeFileAtomicSync(path, encodePng(rgba));
}

/** Decodes PNG bytes back (tests and tools). */
export function decodePng(bytes: Uint8Array): RgbaImage {
  const png = PNG.sync.read(Buffer.from(bytes));
  return { width: png.width, height: png.height, data: new Uint8ClampedArray(png.data) };
}
