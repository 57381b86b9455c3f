import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { Random } from '../../tensor/random.js';
import { withTempDir } from '../temp-dir-test-util.js';
import { type ColorMode, decodeImageFiles, type DecodeOptions } from './decode-image.js';
import { crc32, decodePng8, png8Header, PngDecodeError } from './png-8bit.js';

const COLOUR_TYPES = { grey: 0, greyAlpha: 4, rgb: 2, rgba: 6 } as const;

/** A PNG of random RGBA noise (noise makes pngjs's adaptive filter choose every filter type) in a colour type. */
function noisePng(width: number, height: number, colorType: number, seed: number, filterType = -1): { file: Buffer; rgba: Uint8Array } {
  const rng = new Random(seed);
  const png = new PNG({ width, height, colorType, inputColorType: 6, filterType } as ConstructorParameters<typeof PNG>[0]);
  for (let i = 0; i < png.data.length; i++) png.data[i] = (i >> 2) % 7 === 0 ? 128 : rng.int(256);
  const file = PNG.sync.write(png, { colorType, inputColorType: 6, filterType } as Parameters<typeof PNG.sync.write>[1]);
  return { file, rgba: Uint8Array.from(PNG.sync.read(file).data) };
}

/** The samples decodePng8 gives, expanded to RGBA as pngjs gives them. */
function asRgba(file: Uint8Array): Uint8Array {
  const header = png8Header(file);
  assert.ok(header !== null, 'an 8-bit PNG takes the direct path');
  const px = decodePng8(file, header)!;
  const out = new Uint8Array(px.width * px.height * 4);
  for (let y = 0; y < px.height; y++) {
    for (let x = 0; x < px.width; x++) {
      const p = y * px.rowBytes + 1 + x * px.channels;
      const grey = px.channels < 3;
      const rgba = [px.data[p], px.data[grey ? p : p + 1], px.data[grey ? p : p + 2], px.channels % 2 === 0 ? px.data[p + px.channels - 1] : 255];
      out.set(rgba, (y * px.width + x) * 4);
    }
  }
  return out;
}

/** A PNG file from chunks [type, data], each with its length and CRC. */
function pngOf(chunks: [string, Uint8Array][]): Buffer {
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])];
  for (const [type, data] of chunks) {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body, 0, body.length));
    parts.push(head, body, crc);
  }
  return Buffer.concat(parts);
}

function ihdr(width: number, height: number, depth: number, colorType: number, interlace = 0): Uint8Array {
  const b = Buffer.alloc(13);
  b.writeUInt32BE(width, 0);
  b.writeUInt32BE(height, 4);
  b.set([depth, colorType, 0, 0, interlace], 8);
  return b;
}

test('decodePng8 gives pngjs\'s pixels for grey, grey + alpha, RGB and RGBA, every filter type, odd sizes', () => {
  for (const [kind, colorType] of Object.entries(COLOUR_TYPES)) {
    for (const [width, height] of [[1, 1], [7, 5], [32, 32], [33, 17]]) {
      for (const filterType of [-1, 0, 1, 2, 3, 4]) {
        const { file, rgba } = noisePng(width, height, colorType, width * 100 + height + filterType, filterType);
        assert.deepEqual(asRgba(file), rgba, `${kind} ${width}x${height} filter ${filterType}`);
      }
    }
  }
});

test('image data split over several IDAT chunks is joined', () => {
  const raw = Buffer.alloc(3 * (1 + 3 * 2));
  for (let i = 0; i < raw.length; i++) raw[i] = i % 7 === 0 ? 0 : i;
  const z = deflateSync(raw);
  const file = pngOf([['IHDR', ihdr(2, 3, 8, 2)], ['IDAT', z.subarray(0, 5)], ['IDAT', z.subarray(5)], ['IEND', new Uint8Array()]]);
  assert.deepEqual(asRgba(file), Uint8Array.from(PNG.sync.read(file).data));
});

test('palette, 16-bit, 1-bit, interlaced and tRNS PNGs are declined (left to pngjs)', () => {
  const z = deflateSync(Buffer.alloc(2));
  assert.equal(png8Header(pngOf([['IHDR', ihdr(1, 1, 8, 3)], ['PLTE', new Uint8Array(3)], ['IDAT', z], ['IEND', new Uint8Array()]])), null);
  assert.equal(png8Header(pngOf([['IHDR', ihdr(1, 1, 16, 2)], ['IDAT', z], ['IEND', new Uint8Array()]])), null);
  assert.equal(png8Header(pngOf([['IHDR', ihdr(1, 1, 1, 0)], ['IDAT', z], ['IEND', new Uint8Array()]])), null);
  assert.equal(png8Header(pngOf([['IHDR', ihdr(1, 1, 8, 2, 1)], ['IDAT', z], ['IEND', new Uint8Array()]])), null);
  const withTrns = pngOf([['IHDR', ihdr(1, 1, 8, 0)], ['tRNS', new Uint8Array(2)], ['IDAT', z], ['IEND', new Uint8Array()]]);
  assert.equal(decodePng8(withTrns, png8Header(withTrns)!), null);
});

test('damaged PNGs are refused with the reason: CRC, chunk past the end, wrong inflated size, a zlib bomb, bad filter type', () => {
  const { file } = noisePng(8, 8, 2, 1);
  const damaged = Buffer.from(file);
  damaged[damaged.indexOf('IDAT') + 6] ^= 0xff;
  assert.throws(() => decodePng8(damaged, png8Header(damaged)!), (e: Error) => e instanceof PngDecodeError && /CRC mismatch in the chunk at byte 33/.test(e.message));
  const cut = Buffer.concat([file.subarray(0, 33), Buffer.from([0, 0, 1, 0]), Buffer.from('IDAT'), Buffer.alloc(8)]);
  assert.throws(() => decodePng8(cut, png8Header(cut)!), /the chunk at byte 33 claims 256 bytes, past the end of the file \(49 bytes\)/);
  const short = pngOf([['IHDR', ihdr(4, 4, 8, 0)], ['IDAT', deflateSync(Buffer.alloc(10))], ['IEND', new Uint8Array()]]);
  assert.throws(() => decodePng8(short, png8Header(short)!), /the image data inflates to 10 bytes; a 4x4 image needs 20/);
  const bomb = pngOf([['IHDR', ihdr(4, 4, 8, 0)], ['IDAT', deflateSync(Buffer.alloc(50_000_000))], ['IEND', new Uint8Array()]]);
  assert.throws(() => decodePng8(bomb, png8Header(bomb)!), /the image data does not inflate to the 20 bytes a 4x4 image needs/);
  const badFilter = pngOf([['IHDR', ihdr(1, 2, 8, 0)], ['IDAT', deflateSync(Buffer.from([0, 9, 7, 9]))], ['IEND', new Uint8Array()]]);
  assert.throws(() => decodePng8(badFilter, png8Header(badFilter)!), /row 1 has filter type 7; PNG defines 0-4/);
});

test('a folder\'s 8-bit PNGs decode without pngjs, to the pixels pngjs gives, in every colour mode', async () => {
  await withTempDir('png8', async (dir) => {
    const files = Object.values(COLOUR_TYPES).map((t, i) => {
      const { file, rgba } = noisePng(6, 4, t, 10 + i);
      writeFileSync(join(dir, `${i}.png`), file);
      return { path: join(dir, `${i}.png`), rgba };
    });
    const paths = files.map((f) => f.path);
    const read = PNG.sync.read;
    PNG.sync.read = () => {
      throw new Error('pngjs was called for an 8-bit PNG');
    };
    try {
      for (const colorMode of ['grayscale', 'rgb', 'rgba'] as ColorMode[]) {
        const o: DecodeOptions = { colorMode, imageSize: [4, 6], interpolation: 'bilinear', cropToAspectRatio: false, padToAspectRatio: false, maxFileBytes: 1e6, maxPixels: 1e6 };
        const got = decodeImageFiles(paths, paths, o);
        const want = files.flatMap(({ rgba }) => Array.from({ length: 24 }, (_, p) => {
          const [r, g, b, a] = rgba.subarray(p * 4, p * 4 + 4);
          if (colorMode === 'grayscale') return [r === g && g === b ? r : Math.fround(0.299 * r + 0.587 * g + 0.114 * b)];
          return colorMode === 'rgb' ? [r, g, b] : [r, g, b, a];
        }).flat());
        assert.deepEqual(Array.from(got), want, colorMode);
      }
    } finally {
      PNG.sync.read = read;
    }
  });
});
