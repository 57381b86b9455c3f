/** Byte-level helpers shared by the format readers: joining buffers, UTF-8 JSON with a size cap. */
import { ModelFormatError } from './model-format-error.js';

/** model.json and safetensors headers larger than this are rejected before decoding. */
export const MAX_JSON_BYTES = 64 * 1024 * 1024;

/** Typed arrays are read and written in host order; every supported host is little-endian. */
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function assertLittleEndianHost(what: string): void {
  if (!HOST_LITTLE_ENDIAN) throw new Error(`${what}: big-endian hosts are not supported (weights are stored little-endian)`);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** A Uint8Array view of weight data in any of the forms artifacts carry. */
export function toBytes(data: Uint8Array | ArrayBuffer | ArrayBuffer[] | undefined, file: string): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data) && data.every((b) => b instanceof ArrayBuffer)) return concatBytes(data.map((b) => new Uint8Array(b)));
  throw new ModelFormatError(file, `weightData must be a Uint8Array, an ArrayBuffer or an array of ArrayBuffers, got ${describeValue(data)}`);
}

/** Raw bytes of a typed array (a view, no copy). */
export function bytesOf(values: Float32Array | Int32Array | Uint16Array | Uint8Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

export function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

/** Parses UTF-8 JSON, rejecting oversized input, invalid UTF-8 and syntax errors with the file's name. */
export function parseJsonBytes(bytes: Uint8Array, file: string, maxBytes = MAX_JSON_BYTES): unknown {
  if (bytes.byteLength > maxBytes) throw new ModelFormatError(file, `JSON of ${bytes.byteLength} bytes exceeds the limit of ${maxBytes} bytes`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ModelFormatError(file, 'is not valid UTF-8 text');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModelFormatError(file, `is not valid JSON (${(e as Error).message})`);
  }
}

/** A short description of a value of unexpected type, for error messages. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'object') return 'an object';
  const text = JSON.stringify(v) ?? String(v);
  return `${typeof v} ${text.length > 40 ? `${text.slice(0, 40)}...` : text}`;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
