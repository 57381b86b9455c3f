/**
 * safetensors: 8-byte little-endian header length N, N bytes of JSON header
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: { key: string } }`, then
 * the data; offsets are relative to the data and must tile it exactly (no gaps, no overlap).
 * Everything is bounds-checked before any tensor is copied out.
 */
import type { DataArray, DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { assertLittleEndianHost, bytesOf, describeValue, encodeJson, isRecord, parseJsonBytes } from './bytes.js';
import { decodeBfloat16, decodeFloat16 } from './float16.js';
import { ModelFormatError } from './model-format-error.js';
import { shapeSize } from './weight-specs.js';

/** The safetensors reference implementation's header limit. */
export const MAX_SAFETENSORS_HEADER = 100_000_000;

const ITEM_BYTES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, U16: 2, U32: 4, BOOL: 1 };

export interface SafetensorsEntry {
  name: string;
  /** The safetensors dtype ('F32', 'F16', 'I64', ...). */
  dtype: string;
  shape: number[];
  /** The tensor's bytes (a view into the file). */
  bytes: Uint8Array;
}

export interface SafetensorsFile {
  tensors: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
}

function headerLength(bytes: Uint8Array, file: string): number {
  if (bytes.byteLength < 8) throw new ModelFormatError(file, `has ${bytes.byteLength} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const n = high * 2 ** 32 + low;
  if (n < 2 || n > MAX_SAFETENSORS_HEADER || 8 + n > bytes.byteLength) {
    throw new ModelFormatError(file, `header length ${n} is invalid: the file has ${bytes.byteLength} bytes and headers are 2..${MAX_SAFETENSORS_HEADER} bytes`);
  }
  return n;
}

function checkMetadata(raw: unknown, file: string): Record<string, string> {
  if (raw === undefined) return {};
  if (!isRecord(raw) || !Object.values(raw).every((v) => typeof v === 'string')) {
    throw new ModelFormatError(file, `__metadata__ must map names to strings, got ${describeValue(raw)}`);
  }
  return { ...(raw as Record<string, string>) };
}

function checkEntry(name: string, raw: unknown, dataBytes: number, file: string): { dtype: string; shape: number[]; begin: number; end: number } {
  const where = `tensor '${name}'`;
  if (!isRecord(raw)) throw new ModelFormatError(file, `${where} must be { dtype, shape, data_offsets }, got ${describeValue(raw)}`);
  const { dtype, shape, data_offsets: offsets } = raw;
  if (typeof dtype !== 'string' || !(dtype in ITEM_BYTES)) throw new ModelFormatError(file, `${where}: unknown dtype ${describeValue(dtype)}; expected one of ${Object.keys(ITEM_BYTES).join(', ')}`);
  if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ModelFormatError(file, `${where}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1] || offsets[1] > dataBytes) {
    throw new ModelFormatError(file, `${where}: data_offsets ${JSON.stringify(offsets)} must be [begin, end] with 0 <= begin <= end <= ${dataBytes} (the data size)`);
  }
  const expected = shapeSize(shape) * ITEM_BYTES[dtype];
  if (offsets[1] - offsets[0] !== expected) {
    throw new ModelFormatError(file, `${where}: ${dtype} ${JSON.stringify(shape)} needs ${expected} bytes, data_offsets ${JSON.stringify(offsets)} give ${offsets[1] - offsets[0]}`);
  }
  return { dtype, shape: [...shape], begin: offsets[0], end: offsets[1] };
}

/** Parses and checks a safetensors file; the entries view the given bytes (no copy). */
export function readSafetensors(bytes: Uint8Array, file = 'safetensors'): SafetensorsFile {
  const n = headerLength(bytes, file);
  const header = parseJsonBytes(bytes.subarray(8, 8 + n), `${file} (header)`, MAX_SAFETENSORS_HEADER);
  if (!isRecord(header)) throw new ModelFormatError(file, `header must be a JSON object, got ${describeValue(header)}`);
  const data = bytes.subarray(8 + n);
  const entries = Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, raw]) => ({ name, ...checkEntry(name, raw, data.byteLength, file) }))
    .sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of entries) {
    if (e.begin !== at) throw new ModelFormatError(file, `tensor '${e.name}' starts at data byte ${e.begin}, expected ${at} (${e.begin > at ? 'a gap' : 'an overlap'} between tensors)`);
    at = e.end;
  }
  if (at !== data.byteLength) throw new ModelFormatError(file, `the tensors cover ${at} data bytes, the file has ${data.byteLength}`);
  const tensors = new Map(entries.map((e) => [e.name, { name: e.name, dtype: e.dtype, shape: e.shape, bytes: data.subarray(e.begin, e.end) }]));
  return { tensors, metadata: checkMetadata(header.__metadata__, file) };
}

/** The values of an entry as float32 or int32: widening (F16, BF16, small ints) is exact, narrowing is range-checked. */
export function entryValues(entry: SafetensorsEntry, file = 'safetensors'): { dtype: DType; values: DataArray } {
  assertLittleEndianHost('safetensors');
  // A copy of exactly these bytes: `slice()` on a Node Buffer would be a view into a shared pool.
  const own = new Uint8Array(entry.bytes).buffer;
  switch (entry.dtype) {
    case 'F32': return { dtype: 'float32', values: new Float32Array(own) };
    case 'F16': return { dtype: 'float32', values: decodeFloat16(new Uint16Array(own)) };
    case 'BF16': return { dtype: 'float32', values: decodeBfloat16(new Uint16Array(own)) };
    case 'I32': return { dtype: 'int32', values: new Int32Array(own) };
    case 'I16': return { dtype: 'int32', values: Int32Array.from(new Int16Array(own)) };
    case 'I8': return { dtype: 'int32', values: Int32Array.from(new Int8Array(own)) };
    case 'U8': case 'BOOL': return { dtype: 'int32', values: Int32Array.from(new Uint8Array(own)) };
    case 'U16': return { dtype: 'int32', values: Int32Array.from(new Uint16Array(own)) };
    case 'I64': return { dtype: 'int32', values: narrowInt64(new BigInt64Array(own), entry.name, file) };
    default:
      throw new ModelFormatError(file, `tensor '${entry.name}': ${entry.dtype} cannot be loaded without losing precision (Fovea holds float32 and int32); convert it to F32 first`);
  }
}

function narrowInt64(values: BigInt64Array, name: string, file: string): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v > 2147483647n || v < -2147483648n) throw new ModelFormatError(file, `tensor '${name}': I64 value ${v} at index ${i} does not fit in int32`);
    out[i] = Number(v);
  }
  return out;
}

export interface SafetensorsInput {
  dtype: DType;
  shape: readonly number[];
  values: DataArray;
}

/** A Tensor's values as an input entry (a state dict such as `module.stateDict()` holds Tensors). */
function asInput(t: SafetensorsInput | Tensor): SafetensorsInput {
  return t instanceof Tensor ? { dtype: t.dtype, shape: t.shape, values: t.dataSync() } : t;
}

/**
 * A safetensors file of float32 (F32) and int32 (I32) tensors, in the given order, data 8-byte
 * aligned. Values are `{ dtype, shape, values }` or Tensors: `writeSafetensors(net.stateDict())`
 * gives PyTorch's names for an nn module, `writeSafetensors(pytorchStateDict(model))` for a
 * Keras-style one.
 */
export function writeSafetensors(tensors: ReadonlyMap<string, SafetensorsInput | Tensor> | Record<string, SafetensorsInput | Tensor>, metadata?: Record<string, string>): Uint8Array {
  assertLittleEndianHost('writeSafetensors');
  const list = (tensors instanceof Map ? [...tensors] : Object.entries(tensors)).map(([name, t]): [string, SafetensorsInput] => [name, asInput(t)]);
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let at = 0;
  for (const [name, t] of list) {
    if (name === '__metadata__') throw new Error(`writeSafetensors: '__metadata__' is reserved and cannot name a tensor`);
    if (t.values.length !== shapeSize(t.shape)) throw new Error(`writeSafetensors: tensor '${name}' has ${t.values.length} values for shape ${JSON.stringify(t.shape)}`);
    header[name] = { dtype: t.dtype === 'int32' ? 'I32' : 'F32', shape: [...t.shape], data_offsets: [at, at + t.values.byteLength] };
    at += t.values.byteLength;
  }
  const json = encodeJson(header);
  // Spaces pad the header so the data starts 8-byte aligned, as the reference writer does.
  const padded = Math.ceil(json.byteLength / 8) * 8;
  const out = new Uint8Array(8 + padded + at).fill(0x20, 8, 8 + padded);
  new DataView(out.buffer).setUint32(0, padded, true);
  out.set(json, 8);
  let offset = 8 + padded;
  for (const [, t] of list) {
    out.set(bytesOf(t.values), offset);
    offset += t.values.byteLength;
  }
  return out;
}
