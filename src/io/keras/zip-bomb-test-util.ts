/**
 * Zip bombs built in the test itself, small and cheap to make: a deflate stream of one repeated
 * byte is written directly (one dynamic Huffman block whose 258-byte matches take two bits each),
 * so a 1 GiB member costs ~1 MB and a few milliseconds, never 1 GiB of memory. (fflate's streaming
 * Deflate cannot be used to make the repeated piece: its sync flush corrupts larger inputs.)
 */
import { crc32 } from './zip-archive.js';


export interface RawMember {
  name: string;
  /** 0 stored, 8 deflate. */
  method: 0 | 8;
  data: Uint8Array;
  /** Uncompressed size written to the headers (may lie). */
  size: number;
  crc: number;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
}

/** Writes bits least significant first, as deflate packs them. */
class BitWriter {
  bit = 0;
  constructor(readonly out: Uint8Array) {}

  put(value: number, count: number): void {
    for (let i = 0; i < count; i++, this.bit++) if ((value >>> i) & 1) this.out[this.bit >>> 3] |= 1 << (this.bit & 7);
  }

  /** A Huffman code: its bits go most significant first. */
  code(code: number, length: number): void {
    for (let i = length - 1; i >= 0; i--, this.bit++) if ((code >>> i) & 1) this.out[this.bit >>> 3] |= 1 << (this.bit & 7);
  }

  align(): void {
    this.bit = (this.bit + 7) & ~7;
  }
}

// The dynamic Huffman block of a run: literal/length codes 285 (a 258-byte match) -> '0',
// the byte -> '10', end of block -> '11'; distance codes 0 (distance 1) -> '0', 1 -> '1'. A match
// then costs two zero bits, deflate's best ratio (1032:1).
// Code-length code: symbols 0, 2, 18 -> 2 bits ('00', '01', '10'); 1, 17 -> 3 bits ('110', '111').
const CL_CODES: Record<number, [number, number]> = { 0: [0b00, 2], 2: [0b01, 2], 18: [0b10, 2], 1: [0b110, 3], 17: [0b111, 3] };
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

function zeroRun(w: BitWriter, n: number): void {
  while (n >= 11) {
    const k = Math.min(n, 138);
    w.code(...CL_CODES[18]);
    w.put(k - 11, 7);
    n -= k;
  }
  if (n >= 3) {
    w.code(...CL_CODES[17]);
    w.put(n - 3, 3);
    n = 0;
  }
  for (; n > 0; n--) w.code(...CL_CODES[0]);
}

function dynamicHeader(w: BitWriter, byte: number): void {
  w.put(1, 1); // final block
  w.put(2, 2); // dynamic Huffman
  w.put(286 - 257, 5);
  w.put(2 - 1, 5);
  w.put(18 - 4, 4);
  for (const sym of CL_ORDER.slice(0, 18)) w.put(CL_CODES[sym]?.[1] ?? 0, 3);
  zeroRun(w, byte);
  w.code(...CL_CODES[2]);
  zeroRun(w, 255 - byte);
  w.code(...CL_CODES[2]); // end of block
  zeroRun(w, 284 - 256);
  w.code(...CL_CODES[1]); // length 258
  w.code(...CL_CODES[1]); // distance 1
  w.code(...CL_CODES[1]); // distance 2 (unused; keeps the code complete)
}

/**
 * A raw deflate stream of `prefix` (stored, e.g. the start of a JSON text) then `count` copies of
 * `byte`, written bit by bit: ~1 MB per GiB, made in milliseconds without the GiB in memory.
 */
export function deflateRun(byte: number, count: number, prefix: Uint8Array = new Uint8Array(0)): Uint8Array {
  const matches = Math.floor((count - 1) / 258);
  const tail = count - 1 - 258 * matches;
  const storedBlocks = Math.ceil(prefix.length / 65535);
  const out = new Uint8Array(storedBlocks * 5 + prefix.length + 200 + Math.ceil((2 * matches + 2 * tail) / 8));
  const w = new BitWriter(out);
  for (let at = 0; at < prefix.length; at += 65535) {
    const piece = prefix.subarray(at, at + 65535);
    w.put(0, 3); // not final, stored
    w.align();
    w.put(piece.length, 16);
    w.put(~piece.length & 0xffff, 16);
    out.set(piece, w.bit >>> 3);
    w.bit += piece.length * 8;
  }
  dynamicHeader(w, byte);
  w.code(0b10, 2); // the byte once, then matches copy it
  w.bit += 2 * matches; // each match is '0' '0', already zero in the buffer
  for (let i = 0; i < tail; i++) w.code(0b10, 2);
  w.code(0b11, 2);
  return out.subarray(0, (w.bit + 7) >>> 3);
}

/** A zip archive of members given as raw (possibly pre-compressed, possibly lying) data. */
export function rawZip(members: RawMember[]): Uint8Array {
  const encoder = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const m of members) {
    const name = encoder.encode(m.name);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, m.method, true);
    lv.setUint32(14, m.crc, true);
    lv.setUint32(18, m.data.length, true);
    lv.setUint32(22, m.size, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, m.method, true);
    cv.setUint32(16, m.crc, true);
    cv.setUint32(20, m.data.length, true);
    cv.setUint32(24, m.size, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local, m.data);
    centrals.push(central);
    offset += local.length + m.data.length;
  }
  const directory = concat(centrals);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, members.length, true);
  ev.setUint16(10, members.length, true);
  ev.setUint32(12, directory.length, true);
  ev.setUint32(16, offset, true);
  return concat([...locals, directory, end]);
}

/** A stored member holding `bytes` as they are. */
export function storedMember(name: string, bytes: Uint8Array): RawMember {
  return { name, method: 0, data: bytes, size: bytes.length, crc: crc32(bytes) };
}
