/**
 * What an image file is, read from its first and last bytes without decoding it: the format by
 * signature, the size and channels from the header (PNG IHDR, JPEG SOF), and whether the file
 * ends as a complete file of that format does (PNG's IEND chunk, JPEG's end-of-image marker).
 * This lets a folder of images be checked before training in time proportional to the number
 * of files, not their pixels. Browser-safe (bytes in, facts out).
 */

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'bmp';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  /** Channels the file stores (PNG colour type, JPEG components); 0 when not read. */
  channels: number;
}

/** Why a file cannot be used; `reason` is the text after the file name. */
export class ImageHeaderError extends Error {}

/** Bytes to read from the start of a file: enough for PNG's IHDR and a JPEG's SOF after typical EXIF. */
export const HEAD_BYTES = 256 * 1024;
/** Bytes to read from the end: where PNG's IEND and JPEG's end marker (with trailing padding) sit. */
export const TAIL_BYTES = 1024;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const startsWith = (b: Uint8Array, sig: readonly number[]) => b.length >= sig.length && sig.every((v, i) => b[i] === v);
const u16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u32 = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

/** The format by signature, or null when the bytes are none of PNG, JPEG, GIF, BMP. */
export function formatOf(head: Uint8Array): ImageFormat | null {
  if (startsWith(head, PNG_SIGNATURE)) return 'png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, [0x47, 0x49, 0x46, 0x38])) return 'gif';
  if (startsWith(head, [0x42, 0x4d])) return 'bmp';
  return null;
}

const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 };

function pngHeader(head: Uint8Array, tail: Uint8Array): ImageHeader {
  if (head.length < 33 || u32(head, 12) !== 0x49484452) throw new ImageHeaderError('truncated or corrupt PNG: no IHDR chunk after the signature');
  const width = u32(head, 16);
  const height = u32(head, 20);
  const channels = PNG_CHANNELS[head[25]];
  if (channels === undefined) throw new ImageHeaderError(`corrupt PNG: colour type ${head[25]} is not one PNG defines`);
  const end = tail.length - 12;
  if (end < 0 || u32(tail, end + 4) !== 0x49454e44) throw new ImageHeaderError('truncated PNG: the file does not end with an IEND chunk');
  return { format: 'png', width, height, channels };
}

/** SOF markers (baseline, progressive, ...) carry the frame size; C4, C8 and CC are other tables. */
const isStartOfFrame = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

function jpegHeader(head: Uint8Array, tail: Uint8Array): ImageHeader {
  let size: { width: number; height: number; channels: number } | null = null;
  for (let i = 2; i + 9 < head.length;) {
    if (head[i] !== 0xff) throw new ImageHeaderError(`corrupt JPEG: expected a marker at byte ${i}, found 0x${head[i].toString(16)}`);
    const marker = head[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (isStartOfFrame(marker)) {
      size = { height: u16(head, i + 5), width: u16(head, i + 7), channels: head[i + 9] };
      break;
    }
    if (marker === 0xda) break;
    i += 2 + u16(head, i + 2);
  }
  // The end-of-image marker: FF D9 can only be a marker (in coded data FF is followed by 00).
  let ended = false;
  for (let i = tail.length - 2; i >= 0 && !ended; i--) ended = tail[i] === 0xff && tail[i + 1] === 0xd9;
  if (!ended) throw new ImageHeaderError('truncated JPEG: no end-of-image marker (FF D9) at the end of the file');
  if (size === null) return { format: 'jpeg', width: 0, height: 0, channels: 0 };
  if (size.width === 0 || size.height === 0) throw new ImageHeaderError(`corrupt JPEG: the frame header gives a size of ${size.width}x${size.height}`);
  return { format: 'jpeg', ...size };
}

/**
 * The header of an image file from its first `HEAD_BYTES` and last `TAIL_BYTES` bytes (the
 * whole file when smaller); throws an ImageHeaderError saying what is wrong.
 */
export function readImageHeader(head: Uint8Array, tail: Uint8Array): ImageHeader {
  const format = formatOf(head);
  if (format === null) throw new ImageHeaderError('not an image: the bytes start with no PNG, JPEG, GIF or BMP signature');
  if (format === 'png') return pngHeader(head, tail);
  if (format === 'jpeg') return jpegHeader(head, tail);
  return { format, width: 0, height: 0, channels: 0 };
}
