/**
 * Weight bytes <-> values. Encoding writes float32/int32 little-endian, one weight after another in
 * spec order (the TensorFlow.js layout). Decoding first checks that the specs describe exactly the
 * bytes given (no missing, no trailing bytes), then copies each weight out, dequantizing if needed.
 */
import type { DataArray, DType } from '../tensor/dtype.js';
import { assertLittleEndianHost, bytesOf, concatBytes } from './bytes.js';
import { decodeFloat16 } from './float16.js';
import { ModelFormatError } from './model-format-error.js';
import { type CheckedSpec, checkSpecs, totalBytes } from './weight-specs.js';
import type { WeightGroup, WeightSpec } from './types.js';

/** A weight's values in memory, ready to become a tensor. */
export interface NamedWeight {
  name: string;
  shape: number[];
  dtype: DType;
  values: DataArray;
  group?: WeightGroup;
}

export function encodeWeights(weights: readonly NamedWeight[]): { specs: WeightSpec[]; data: Uint8Array } {
  assertLittleEndianHost('encodeWeights');
  const specs = weights.map((w) => ({ name: w.name, shape: [...w.shape], dtype: w.dtype, ...(w.group === 'optimizer' ? { group: w.group } : {}) }));
  return { specs, data: concatBytes(weights.map((w) => bytesOf(w.values).slice())) };
}

/** Checks that `specs` describe exactly `data` and returns the checked specs with their offsets. */
export function layoutWeights(rawSpecs: unknown, data: Uint8Array, file: string): { spec: CheckedSpec; offset: number }[] {
  const specs = checkSpecs(rawSpecs, file);
  const need = totalBytes(specs);
  if (need !== data.byteLength) {
    let offset = 0;
    const cut = specs.find((s) => (offset += s.byteLength) > data.byteLength);
    const detail = cut === undefined
      ? `${data.byteLength - need} trailing bytes are not described by any weight`
      : `weight '${cut.name}' ${JSON.stringify(cut.shape)} ${cut.quantization?.dtype ?? cut.dtype} ends at byte ${offset}, past the end`;
    throw new ModelFormatError(file, `the weight specs need ${need} bytes of weight data, found ${data.byteLength} (${detail})`);
  }
  let offset = 0;
  return specs.map((spec) => {
    const at = offset;
    offset += spec.byteLength;
    return { spec, offset: at };
  });
}

function decodeOne(spec: CheckedSpec, bytes: Uint8Array): DataArray {
  // `slice` copies into a fresh, aligned buffer: weights may start at any byte offset.
  const own = bytes.slice().buffer;
  const q = spec.quantization;
  if (q === undefined) return spec.dtype === 'int32' ? new Int32Array(own) : new Float32Array(own);
  if (q.dtype === 'float16') return decodeFloat16(new Uint16Array(own));
  const stored = q.dtype === 'uint8' ? new Uint8Array(own) : new Uint16Array(own);
  const out = new Float32Array(stored.length);
  const scale = q.scale as number;
  const min = q.min as number;
  for (let i = 0; i < stored.length; i++) out[i] = stored[i] * scale + min;
  return out;
}

/** Every weight of `data`, after checking the specs against it. */
export function decodeWeights(rawSpecs: unknown, data: Uint8Array, file: string): NamedWeight[] {
  assertLittleEndianHost('decodeWeights');
  return layoutWeights(rawSpecs, data, file).map(({ spec, offset }) => ({
    name: spec.name,
    shape: spec.shape,
    dtype: spec.dtype,
    values: decodeOne(spec, data.subarray(offset, offset + spec.byteLength)),
    group: spec.group ?? 'model',
  }));
}
