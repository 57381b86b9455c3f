/**
 * Zip archives for `.keras` files, read defensively. Everything is decided from the central
 * directory before a byte is inflated: at most `maxEntries` members (256 by default), only stored or deflated ones,
 * no encryption, no zip64, and every declared uncompressed size within the caps (per member and in
 * total) and within a plausible deflate ratio. Inflating then streams in small chunks and stops as
 * soon as a member produces more than it declared, so a zip bomb that lies about its sizes is cut
 * off after at most one chunk's worth of output. A reader may cap a member below its declared size
 * (the .keras loader caps config.json, metadata.json and, from the config, the weights file).
 * Each member's CRC-32 is checked.
 */
import { Inflate, zipSync } from 'fflate';
import { ModelFormatError } from '../model-format-error.js';

export interface ZipLimits {
  /** Largest uncompressed member (default 1 GiB). */
  maxMemberBytes?: number;
  /** Largest sum of uncompressed members (default 2 GiB). */
  maxTotalBytes?: number;
  /** Most members (default 256; a PyTorch file has one per tensor storage). */
  maxEntries?: number;
}

const MAX_ENTRIES = 256;
/** Deflate cannot exceed ~1032:1; a larger declared ratio is a lie or a bomb. */
const MAX_RATIO = 1100;
const CHUNK = 1024;
const EOCD_SIG = 0x06054b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

interface Entry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

let crcTable: Uint32Array | null = null;

export function crc32(bytes: Uint8Array): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function findEocd(view: DataView, file: string): number {
  const last = view.byteLength - 22;
  // The end record sits in the last 22 + 65535 (comment) bytes.
  for (let at = last; at >= 0 && at >= last - 65535; at--) {
    if (view.getUint32(at, true) === EOCD_SIG) return at;
  }
  throw new ModelFormatError(file, `is not a zip archive (no end-of-central-directory record in its ${view.byteLength} bytes; truncated?)`);
}

function readEntry(view: DataView, bytes: Uint8Array, at: number, file: string): { entry: Entry; next: number } {
  if (at + 46 > view.byteLength || view.getUint32(at, true) !== CENTRAL_SIG) throw new ModelFormatError(file, `zip central directory is corrupted at byte ${at}`);
  const flags = view.getUint16(at + 8, true);
  const method = view.getUint16(at + 10, true);
  const nameLength = view.getUint16(at + 28, true);
  const extraLength = view.getUint16(at + 30, true);
  const commentLength = view.getUint16(at + 32, true);
  const next = at + 46 + nameLength + extraLength + commentLength;
  if (next > view.byteLength) throw new ModelFormatError(file, `zip central directory entry at byte ${at} runs past the end of the file`);
  let name: string;
  try {
    name = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(at + 46, at + 46 + nameLength));
  } catch {
    throw new ModelFormatError(file, `zip member name at byte ${at} is not valid UTF-8`);
  }
  if (flags & 1) throw new ModelFormatError(file, `zip member '${name}' is encrypted`);
  if (method !== 0 && method !== 8) throw new ModelFormatError(file, `zip member '${name}' uses compression method ${method}; only stored (0) and deflate (8) are supported`);
  const entry = {
    name, method, crc: view.getUint32(at + 16, true), compressedSize: view.getUint32(at + 20, true),
    size: view.getUint32(at + 24, true), localOffset: view.getUint32(at + 42, true),
  };
  if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff || entry.localOffset === 0xffffffff) {
    throw new ModelFormatError(file, `zip member '${name}' needs zip64, which is not supported (members must be < 4 GiB)`);
  }
  return { entry, next };
}

function checkSizes(entries: Entry[], limits: Required<ZipLimits>, file: string): void {
  let total = 0;
  for (const e of entries) {
    if (e.size > limits.maxMemberBytes) throw new ModelFormatError(file, `zip member '${e.name}' declares ${e.size} bytes, more than the limit of ${limits.maxMemberBytes}`);
    if (e.method === 0 && e.size !== e.compressedSize) throw new ModelFormatError(file, `stored zip member '${e.name}' declares ${e.size} bytes but occupies ${e.compressedSize}`);
    if (e.size > MAX_RATIO * Math.max(e.compressedSize, 1) + 1024) {
      throw new ModelFormatError(file, `zip member '${e.name}' declares ${e.size} bytes from ${e.compressedSize} compressed bytes, a ratio no deflate stream reaches (zip bomb?)`);
    }
    total += e.size;
  }
  if (total > limits.maxTotalBytes) throw new ModelFormatError(file, `zip members declare ${total} bytes in all, more than the limit of ${limits.maxTotalBytes}`);
}

/** The member names and their (not yet inflated) descriptions, after every structural check. */
function centralDirectory(bytes: Uint8Array, limits: Required<ZipLimits>, file: string): Map<string, Entry> {
  if (bytes.byteLength < 22) throw new ModelFormatError(file, `has ${bytes.byteLength} bytes, too short for a zip archive`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEocd(view, file);
  const count = view.getUint16(eocd + 10, true);
  const start = view.getUint32(eocd + 16, true);
  if (count > limits.maxEntries) throw new ModelFormatError(file, `zip archive lists ${count} members, more than the ${limits.maxEntries} a model archive may have`);
  if (start > eocd) throw new ModelFormatError(file, `zip central directory offset ${start} is past its end record at ${eocd}`);
  // A Map keeps the duplicate check and lookups linear in the member count.
  const entries = new Map<string, Entry>();
  let at = start;
  for (let i = 0; i < count; i++) {
    const { entry, next } = readEntry(view, bytes, at, file);
    if (entries.has(entry.name)) throw new ModelFormatError(file, `zip member '${entry.name}' appears twice`);
    entries.set(entry.name, entry);
    at = next;
  }
  checkSizes([...entries.values()], limits, file);
  return entries;
}

function memberData(bytes: Uint8Array, e: Entry, file: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = e.localOffset;
  if (at + 30 > bytes.byteLength || view.getUint32(at, true) !== LOCAL_SIG) throw new ModelFormatError(file, `zip member '${e.name}': no local header at byte ${at}`);
  const begin = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = begin + e.compressedSize;
  if (end > bytes.byteLength) throw new ModelFormatError(file, `zip member '${e.name}' needs bytes ${begin}..${end}, the file has ${bytes.byteLength} (truncated?)`);
  return bytes.subarray(begin, end);
}

/**
 * Inflates in small chunks into a buffer of at most `limit` bytes (the declared size, or less when
 * the caller caps the member), stopping as soon as the output would pass it: memory is never spent
 * on more than the limit plus one chunk's output.
 */
function inflateCapped(data: Uint8Array, e: Entry, limit: number, file: string): Uint8Array {
  const out = new Uint8Array(Math.min(e.size, limit));
  let have = 0;
  let done = false;
  const inflater = new Inflate((chunk, final) => {
    if (have + chunk.length > out.length) throw new ModelFormatError(file, `zip member '${e.name}' inflates to more than the ${e.size} bytes it declares (zip bomb?)`);
    out.set(chunk, have);
    have += chunk.length;
    if (final) done = true;
  });
  try {
    for (let at = 0; at < data.length && !done; at += CHUNK) inflater.push(data.subarray(at, at + CHUNK), at + CHUNK >= data.length);
  } catch (err) {
    if (err instanceof ModelFormatError) throw err;
    throw new ModelFormatError(file, `zip member '${e.name}' is not a valid deflate stream (${(err as Error).message})`, { cause: err });
  }
  if (!done || have !== e.size) throw new ModelFormatError(file, `zip member '${e.name}' inflates to ${have} bytes, it declares ${e.size}`);
  return out;
}

/** A cap on one member's inflated size, and the reason given when a member exceeds it. */
export interface MemberCap {
  maxBytes: number;
  /** Ends "declares N bytes, more than the M bytes ..." ('a config.json may have'). */
  why: string;
}

export interface ZipReader {
  names: string[];
  /** The size the central directory declares for a member (checked against the caps, not yet trusted). */
  declaredSize(name: string): number;
  /**
   * The member's bytes (inflated and CRC-checked); throws when it is absent, or when it declares
   * or inflates to more than `cap.maxBytes` (refused before or while inflating).
   */
  read(name: string, cap?: MemberCap): Uint8Array;
}

/** Opens a zip archive after checking its directory; members are inflated on demand. */
export function openZip(bytes: Uint8Array, file: string, limits: ZipLimits = {}): ZipReader {
  const all = { maxMemberBytes: limits.maxMemberBytes ?? 2 ** 30, maxTotalBytes: limits.maxTotalBytes ?? 2 ** 31, maxEntries: limits.maxEntries ?? MAX_ENTRIES };
  const entries = centralDirectory(bytes, all, file);
  const entry = (name: string): Entry => {
    const e = entries.get(name);
    if (e === undefined) throw new ModelFormatError(file, `the archive has no '${name}' (members: ${[...entries.keys()].slice(0, 16).join(', ') || 'none'}${entries.size > 16 ? ', ...' : ''})`);
    return e;
  };
  return {
    names: [...entries.keys()],
    declaredSize: (name) => entry(name).size,
    read(name, cap) {
      const e = entry(name);
      if (cap !== undefined && e.size > cap.maxBytes) throw new ModelFormatError(file, `zip member '${name}' declares ${e.size} bytes, more than the ${cap.maxBytes} bytes ${cap.why}`);
      const data = memberData(bytes, e, file);
      const out = e.method === 0 ? data.slice() : inflateCapped(data, e, cap?.maxBytes ?? e.size, file);
      const crc = crc32(out);
      if (crc !== e.crc) throw new ModelFormatError(file, `zip member '${name}' fails its CRC-32 check (stored ${e.crc.toString(16)}, computed ${crc.toString(16)}): the file is corrupted`);
      return out;
    },
  };
}

/** A zip of `files` in the given order, stored uncompressed as Keras's own writer does. */
export function writeZip(files: [string, Uint8Array][], mtime = new Date()): Uint8Array {
  const input: Record<string, [Uint8Array, { level: 0; mtime: Date }]> = {};
  for (const [name, bytes] of files) input[name] = [bytes, { level: 0, mtime }];
  return zipSync(input);
}
