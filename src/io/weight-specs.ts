/**
 * Validation of weight specs (name, shape, dtype, quantization) before any byte is decoded:
 * every number is checked to be a safe integer and every size is computed without overflow, so a
 * corrupted manifest can never make the loader allocate more than the bytes it was given.
 */
import { describeValue, isRecord } from './bytes.js';
import { ModelFormatError } from './model-format-error.js';
import type { QuantizedDType, WeightSpec } from './types.js';

/** Weights of higher rank than this are not produced by any layer; reject them as corruption. */
const MAX_RANK = 8;

const STORED_BYTES: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 };

/** A spec whose fields were checked, with its stored size. */
export interface CheckedSpec extends WeightSpec {
  /** Number of values (product of the shape). */
  size: number;
  /** Bytes it occupies in the weight data. */
  byteLength: number;
}

export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

function checkShape(shape: unknown, where: string, file: string): number[] {
  if (!Array.isArray(shape) || shape.length > MAX_RANK) {
    throw new ModelFormatError(file, `${where}: shape must be an array of at most ${MAX_RANK} dimensions, got ${describeValue(shape)}`);
  }
  let size = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new ModelFormatError(file, `${where}: shape ${JSON.stringify(shape)} has a dimension that is not a non-negative integer`);
    size *= d;
    if (!Number.isSafeInteger(size)) throw new ModelFormatError(file, `${where}: shape ${JSON.stringify(shape)} has more values than can be addressed`);
  }
  return shape as number[];
}

function checkQuantization(q: unknown, dtype: string, where: string, file: string): WeightSpec['quantization'] {
  if (q === undefined || q === null) return undefined;
  if (!isRecord(q) || !['uint8', 'uint16', 'float16'].includes(q.dtype as string)) {
    throw new ModelFormatError(file, `${where}: quantization must be { dtype: 'uint8' | 'uint16' | 'float16', ... }, got ${JSON.stringify(q)}`);
  }
  if (dtype !== 'float32') throw new ModelFormatError(file, `${where}: only float32 weights can be quantized, this one is ${dtype}`);
  const qd = q.dtype as QuantizedDType;
  if (qd === 'float16') return { dtype: qd };
  if (typeof q.scale !== 'number' || !Number.isFinite(q.scale) || typeof q.min !== 'number' || !Number.isFinite(q.min)) {
    throw new ModelFormatError(file, `${where}: ${qd} quantization needs finite numbers 'scale' and 'min', got scale ${describeValue(q.scale)}, min ${describeValue(q.min)}`);
  }
  return { dtype: qd, scale: q.scale, min: q.min };
}

/** Checks one raw manifest entry and computes its size. */
export function checkSpec(raw: unknown, index: number, file: string): CheckedSpec {
  if (!isRecord(raw)) throw new ModelFormatError(file, `weight #${index} must be an object { name, shape, dtype }, got ${describeValue(raw)}`);
  const { name, dtype, group } = raw;
  if (typeof name !== 'string' || name.length === 0) throw new ModelFormatError(file, `weight #${index}: name must be a non-empty string, got ${describeValue(name)}`);
  const where = `weight '${name}'`;
  if (dtype !== 'float32' && dtype !== 'int32') {
    throw new ModelFormatError(file, `${where}: dtype must be 'float32' or 'int32', got ${describeValue(dtype)}`);
  }
  if (group !== undefined && group !== 'model' && group !== 'optimizer') {
    throw new ModelFormatError(file, `${where}: group must be 'model' or 'optimizer', got ${describeValue(group)}`);
  }
  const shape = checkShape(raw.shape, where, file);
  const quantization = checkQuantization(raw.quantization, dtype, where, file);
  const size = shapeSize(shape);
  const byteLength = size * STORED_BYTES[quantization?.dtype ?? dtype];
  return { name, shape: [...shape], dtype, ...(group !== undefined ? { group } : {}), ...(quantization ? { quantization } : {}), size, byteLength };
}

/** Checks a list of specs: each valid, names unique. */
export function checkSpecs(raw: unknown, file: string): CheckedSpec[] {
  if (!Array.isArray(raw)) throw new ModelFormatError(file, `weight specs must be an array, got ${describeValue(raw)}`);
  const specs = raw.map((r, i) => checkSpec(r, i, file));
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.name)) throw new ModelFormatError(file, `weight '${s.name}' is listed twice`);
    seen.add(s.name);
  }
  return specs;
}

export function totalBytes(specs: readonly CheckedSpec[]): number {
  return specs.reduce((n, s) => n + s.byteLength, 0);
}
