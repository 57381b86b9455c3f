/**
 * A direct decoder for the PNGs image folders mostly hold: 8 bits per sample, grey, grey + alpha,
 * RGB or RGBA, not interlaced, without a tRNS chunk (PNG spec, ISO/IEC 15948). Small images are
 * where a general decoder's per-image machinery (streams, chunk buffers, an RGBA copy) costs more
 * than the pixels, so this path reads the chunks in place, inflates the image data once with a
 * bounded output, and undoes the scanline filters in that one buffer. Anything else (palette, 1-,
 * 2-, 4- or 16-bit samples, Adam7, tRNS) is declined (`null`) and goes to pngjs.
 *
 * Files are untrusted: every chunk is bounds-checked and CRC-checked, the inflated size must be
 * exactly what the header implies (a zlib bomb stops at that size), and errors say what is wrong.
 */
import { inflateSync } from 'node:zlib';

/** A PNG file's own problem (the caller names the file). */
export class PngDecodeError extends Error {}

/** The IHDR facts of a PNG this decoder takes. */
export interface Png8Header {
  width: number;
  height: number;
  /** Samples per pixel stored: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. */
  channels: 1 | 2 | 3 | 4;
}

/**
 * Unfiltered samples: row r's pixels start at `r * rowBytes + 1` of `data` (each row keeps its
 * leading filter-type byte, so no second buffer is needed).
 */
export interface Png8Pixels extends Png8Header {
  data: Uint8Array;
  rowBytes: number;
}

const SIGNATURE_BYTES = 8;
const IHDR = 0x49484452;
const IDAT = 0x49444154;
const IEND = 0x49454e44;
const TRNS = 0x74524e53;
const CHANNELS_OF_COLOUR_TYPE: Record<number, 1 | 2 | 3 | 4> = { 0: 1, 4: 2, 2: 3, 6: 4 };

const u32 = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32 of bytes [start, end) (the PNG chunk checksum, over the type and data). */
export function crc32(b: Uint8Array, start: number, end: number): number {
  let c = -1;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** The header when this decoder takes the file (8-bit, not interlaced, no palette); else null. */
export function png8Header(bytes: Uint8Array): Png8Header | null {
  if (bytes.length < SIGNATURE_BYTES + 25 || u32(bytes, SIGNATURE_BYTES + 4) !== IHDR) return null;
  const at = SIGNATURE_BYTES + 8;
  const [width, height] = [u32(bytes, at), u32(bytes, at + 4)];
  const [depth, colourType, compression, filter, interlace] = bytes.subarray(at + 8, at + 13);
  const channels = CHANNELS_OF_COLOUR_TYPE[colourType];
  if (depth !== 8 || channels === undefined || compression !== 0 || filter !== 0 || interlace !== 0 || width === 0 || height === 0) return null;
  return { width, height, channels };
}

/** The IDAT data (one view, or the chunks joined) after checking every chunk; null if there is a tRNS chunk. */
function imageData(bytes: Uint8Array): Uint8Array | null {
  const parts: Uint8Array[] = [];
  for (let at = SIGNATURE_BYTES; ;) {
    if (at + 12 > bytes.length) throw new PngDecodeError(`the chunk at byte ${at} is cut off (file of ${bytes.length} bytes, no IEND chunk reached)`);
    const length = u32(bytes, at);
    const type = u32(bytes, at + 4);
    const end = at + 8 + length;
    if (length > 0x7fffffff || end + 4 > bytes.length) throw new PngDecodeError(`the chunk at byte ${at} claims ${length} bytes, past the end of the file (${bytes.length} bytes)`);
    if (crc32(bytes, at + 4, end) !== u32(bytes, end)) throw new PngDecodeError(`CRC mismatch in the chunk at byte ${at} (damaged file)`);
    if (type === TRNS) return null;
    if (type === IDAT) parts.push(bytes.subarray(at + 8, end));
    if (type === IEND) break;
    at = end + 4;
  }
  if (parts.length === 0) throw new PngDecodeError('no IDAT chunk (no image data)');
  if (parts.length === 1) return parts[0];
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    joined.set(p, at);
    at += p.length;
  }
  return joined;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * Undoes one row's filter in place (PNG filter method 0). `row` is where its samples start, `up`
 * the row above's (or -1 for the first row: the row above counts as zeros); one loop per type.
 */
function unfilterRow(d: Uint8Array, type: number, row: number, up: number, n: number, bpp: number): void {
  if (type === 1) for (let i = bpp; i < n; i++) d[row + i] = (d[row + i] + d[row + i - bpp]) & 0xff;
  else if (up < 0) {
    // First row: Up adds nothing, Average adds half the left, Paeth predicts the left.
    if (type === 3) for (let i = bpp; i < n; i++) d[row + i] = (d[row + i] + (d[row + i - bpp] >> 1)) & 0xff;
    else if (type === 4) for (let i = bpp; i < n; i++) d[row + i] = (d[row + i] + d[row + i - bpp]) & 0xff;
  } else if (type === 2) for (let i = 0; i < n; i++) d[row + i] = (d[row + i] + d[up + i]) & 0xff;
  else if (type === 3) {
    for (let i = 0; i < bpp; i++) d[row + i] = (d[row + i] + (d[up + i] >> 1)) & 0xff;
    for (let i = bpp; i < n; i++) d[row + i] = (d[row + i] + ((d[row + i - bpp] + d[up + i]) >> 1)) & 0xff;
  } else if (type === 4) {
    for (let i = 0; i < bpp; i++) d[row + i] = (d[row + i] + d[up + i]) & 0xff;
    for (let i = bpp; i < n; i++) d[row + i] = (d[row + i] + paeth(d[row + i - bpp], d[up + i], d[up + i - bpp])) & 0xff;
  }
}

/** Undoes every row's filter (None, Sub, Up, Average, Paeth). */
function unfilter(d: Uint8Array, height: number, rowBytes: number, bpp: number): void {
  for (let r = 0; r < height; r++) {
    const row = r * rowBytes + 1;
    const type = d[row - 1];
    if (type > 4) throw new PngDecodeError(`row ${r} has filter type ${type}; PNG defines 0-4`);
    if (type !== 0) unfilterRow(d, type, row, r === 0 ? -1 : row - rowBytes, rowBytes - 1, bpp);
  }
}

/** The unfiltered samples of a PNG `png8Header` accepted; null when a tRNS chunk needs the general decoder. */
export function decodePng8(bytes: Uint8Array, header: Png8Header): Png8Pixels | null {
  const compressed = imageData(bytes);
  if (compressed === null) return null;
  const { width, height, channels } = header;
  const rowBytes = width * channels + 1;
  const expected = rowBytes * height;
  let data: Uint8Array;
  try {
    data = inflateSync(compressed, { maxOutputLength: expected });
  } catch (e) {
    throw new PngDecodeError(`the image data does not inflate to the ${expected} bytes a ${width}x${height} image needs (${(e as Error).message})`);
  }
  if (data.length !== expected) throw new PngDecodeError(`the image data inflates to ${data.length} bytes; a ${width}x${height} image needs ${expected}`);
  unfilter(data, height, rowBytes, channels);
  return { width, height, channels, data, rowBytes };
}
