import assert from 'node:assert/strict';
import { test } from 'node:test';
import { floatToHalf, halfToFloat } from './float16.js';
import { ModelFormatError } from './model-format-error.js';
import { decodeWeights, encodeWeights } from './weights-codec.js';

test('encode/decode is bit-exact for float32 (incl. NaN, -0, subnormals) and int32', () => {
  const f = new Float32Array([1.5, -0, NaN, 1e-45, -3.4e38, Infinity]);
  const i = new Int32Array([-2147483648, 0, 7, 2147483647]);
  const { specs, data } = encodeWeights([
    { name: 'a/kernel', shape: [2, 3], dtype: 'float32', values: f },
    { name: 'b/steps', shape: [4], dtype: 'int32', values: i },
  ]);
  assert.equal(data.byteLength, 40);
  const out = decodeWeights(specs, data, 'test');
  assert.deepEqual(new Uint32Array(out[0].values.buffer), new Uint32Array(f.buffer));
  assert.deepEqual(out[1].values, i);
  assert.deepEqual(out.map((w) => w.shape), [[2, 3], [4]]);
});

test('uint8/uint16 quantized weights decode to v * scale + min; float16 decodes exactly', () => {
  const q8 = new Uint8Array([0, 1, 255]);
  const q16 = new Uint16Array([0, 65535]);
  const h = new Uint16Array([floatToHalf(0.5), floatToHalf(-2), floatToHalf(65504), 0x0001, 0x7c00]);
  const data = new Uint8Array([...q8, ...new Uint8Array(q16.buffer), ...new Uint8Array(h.buffer)]);
  const specs = [
    { name: 'q8', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
    { name: 'q16', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.25, min: 2 } },
    { name: 'h', shape: [5], dtype: 'float32', quantization: { dtype: 'float16' } },
  ];
  const [a, b, c] = decodeWeights(specs, data, 'test');
  assert.deepEqual([...a.values], [-1, -0.5, 126.5]);
  assert.deepEqual([...b.values], [2, Math.fround(65535 * 0.25 + 2)]);
  assert.deepEqual([...c.values], [0.5, -2, 65504, 2 ** -24, Infinity]);
  assert.equal(halfToFloat(floatToHalf(0.1)), Math.fround(halfToFloat(floatToHalf(0.1))));
});

test('spec errors name the weight and the expected vs actual bytes', () => {
  const data = new Uint8Array(8);
  const cases: [unknown, RegExp][] = [
    [[{ name: 'w', shape: [3], dtype: 'float32' }], /need 12 bytes of weight data, found 8 \(weight 'w' \[3\] float32 ends at byte 12, past the end\)/],
    [[{ name: 'w', shape: [1], dtype: 'float32' }], /need 4 bytes of weight data, found 8 \(4 trailing bytes/],
    [[{ name: 'w', shape: [2], dtype: 'float64' }], /weight 'w': dtype must be 'float32' or 'int32', got string "float64"/],
    [[{ name: 'w', shape: [-2], dtype: 'float32' }], /weight 'w': shape \[-2\] has a dimension that is not a non-negative integer/],
    [[{ name: 'w', shape: [2 ** 40, 2 ** 40], dtype: 'float32' }], /more values than can be addressed/],
    [[{ name: 'w', shape: [1], dtype: 'float32' }, { name: 'w', shape: [1], dtype: 'float32' }], /weight 'w' is listed twice/],
    [[{ name: 'w', shape: [8], dtype: 'float32', quantization: { dtype: 'uint8' } }], /needs finite numbers 'scale' and 'min'/],
    [[{ name: 'w', shape: [2], dtype: 'int32', quantization: { dtype: 'float16' } }], /only float32 weights can be quantized/],
    [{ w: 1 }, /weight specs must be an array/],
  ];
  for (const [specs, message] of cases) {
    assert.throws(() => decodeWeights(specs, data, 'shard.bin'), (e: unknown) => e instanceof ModelFormatError && e.file === 'shard.bin' && message.test(e.message));
  }
});
