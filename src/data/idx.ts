/**
 * The IDX file format (used by MNIST): a 4-byte magic number [0, 0, dtype code, rank], then `rank`
 * big-endian uint32 dimensions, then the values row-major, big-endian. Pure: works on bytes, so it
 * runs in browsers as well as Node.
 *
 * Example: bytes 00 00 08 01 | 00 00 00 03 | 07 02 01 parse to uint8 values [7, 2, 1], shape [3].
 */

export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export type IdxArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxTensor {
  dtype: IdxDType;
  shape: number[];
  data: IdxArray;
}

interface DTypeInfo {
  name: IdxDType;
  bytes: number;
  make: (n: number) => IdxArray;
  read: (view: DataView, offset: number) => number;
}

// Multi-byte values are big-endian in IDX, so they are read through a DataView, not reinterpreted.
const DTYPES: Record<number, DTypeInfo> = {
  0x08: { name: 'uint8', bytes: 1, make: (n) => new Uint8Array(n), read: (v, o) => v.getUint8(o) },
  0x09: { name: 'int8', bytes: 1, make: (n) => new Int8Array(n), read: (v, o) => v.getInt8(o) },
  0x0b: { name: 'int16', bytes: 2, make: (n) => new Int16Array(n), read: (v, o) => v.getInt16(o, false) },
  0x0c: { name: 'int32', bytes: 4, make: (n) => new Int32Array(n), read: (v, o) => v.getInt32(o, false) },
  0x0d: { name: 'float32', bytes: 4, make: (n) => new Float32Array(n), read: (v, o) => v.getFloat32(o, false) },
  0x0e: { name: 'float64', bytes: 8, make: (n) => new Float64Array(n), read: (v, o) => v.getFloat64(o, false) },
};

const hex = (b: number): string => `0x${b.toString(16).padStart(2, '0')}`;

/** Reads the header; returns the element type, the shape and where the values start. */
function parseHeader(bytes: Uint8Array, source: string): { info: DTypeInfo; shape: number[]; offset: number } {
  if (bytes.length < 4) {
    throw new Error(`${source}: not an IDX file: expected at least a 4-byte header, got ${bytes.length} bytes`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${source}: not an IDX file: the magic number must start with two zero bytes, got ${hex(bytes[0])} ${hex(bytes[1])}`);
  }
  const info = DTYPES[bytes[2]];
  if (info === undefined) {
    throw new Error(`${source}: unknown IDX element type code ${hex(bytes[2])}; expected one of 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e`);
  }
  const rank = bytes[3];
  if (rank === 0) throw new Error(`${source}: IDX rank must be at least 1, got 0`);
  const offset = 4 + 4 * rank;
  if (bytes.length < offset) {
    throw new Error(`${source}: truncated IDX header: rank ${rank} needs ${offset} header bytes, got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(4 + 4 * i, false));
  return { info, shape, offset };
}

/** Where an IDX buffer's values are: element type, shape, and the byte offset they start at. */
export interface IdxLayout {
  dtype: IdxDType;
  shape: number[];
  offset: number;
}

function checkedLayout(bytes: Uint8Array, source: string, byteLength: number): { info: DTypeInfo; shape: number[]; offset: number; count: number } {
  const { info, shape, offset } = parseHeader(bytes, source);
  const count = shape.reduce((n, d) => n * d, 1);
  const expected = offset + count * info.bytes;
  if (byteLength !== expected) {
    const what = byteLength < expected ? 'truncated' : 'trailing bytes';
    throw new Error(`${source}: ${what}: expected ${expected} bytes for shape [${shape.join(', ')}] of ${info.name}, got ${byteLength}`);
  }
  return { info, shape, offset, count };
}

/** The most bytes an IDX header can take (rank is one byte): enough `head` for `idxLayout`. */
export const IDX_MAX_HEADER_BYTES = 4 + 4 * 255;

/**
 * Checks an IDX file exactly as `parseIdx` does but reads only its header, so a large file can be
 * converted in pieces straight to its destination. `head` is the file's start (the whole header,
 * or the whole file if shorter: `IDX_MAX_HEADER_BYTES` always suffice); `byteLength` is the
 * file's full length. For uint8 data the values are bytes `offset` to the end.
 */
export function idxLayout(head: Uint8Array, source = 'IDX data', byteLength = head.length): IdxLayout {
  const { info, shape, offset } = checkedLayout(head, source, byteLength);
  return { dtype: info.name, shape, offset };
}

/**
 * Parses an IDX buffer. `source` (usually the file name) starts every error message. The byte
 * length must match the header exactly: truncated downloads and trailing garbage are both errors.
 */
export function parseIdx(bytes: Uint8Array, source = 'IDX data'): IdxTensor {
  const { info, shape, offset, count } = checkedLayout(bytes, source, bytes.length);
  const expected = offset + count * info.bytes;
  const data = info.make(count);
  if (info.bytes === 1 && info.name === 'uint8') {
    (data as Uint8Array).set(bytes.subarray(offset, expected));
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < count; i++) data[i] = info.read(view, offset + i * info.bytes);
  }
  return { dtype: info.name, shape, data };
}
