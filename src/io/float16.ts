/**
 * IEEE 754 half precision (float16) and bfloat16 to float32. Both widen exactly: every half or
 * bfloat16 value is a float32 value, so decoding loses nothing.
 */

/** float32 of one float16 bit pattern (sign 1, exponent 5, mantissa 10). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** float32 values of float16 bit patterns. */
export function decodeFloat16(bits: Uint16Array): Float32Array {
  // A lookup table over all 65536 patterns is faster than decoding element by element for big weights.
  const out = new Float32Array(bits.length);
  const table = bits.length > 4096 ? float16Table() : null;
  for (let i = 0; i < bits.length; i++) out[i] = table === null ? halfToFloat(bits[i]) : table[bits[i]];
  return out;
}

let cachedTable: Float32Array | null = null;
function float16Table(): Float32Array {
  if (cachedTable === null) {
    cachedTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) cachedTable[h] = halfToFloat(h);
  }
  return cachedTable;
}

/** bfloat16 is the top half of a float32: shift the bits into place. */
export function decodeBfloat16(bits: Uint16Array): Float32Array {
  const wide = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) wide[i] = bits[i] << 16;
  return new Float32Array(wide.buffer);
}

/** float16 bit pattern of `value`, rounded to nearest even (for tests and writers). */
export function floatToHalf(value: number): number {
  const f = new Float32Array([value]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (rest > mid || (rest === mid && (half & 1)) ? half + 1 : half);
  }
  let h = (e << 10) | (mant >> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1))) h++;
  return sign | h;
}
