import assert from 'node:assert/strict';
import { test } from 'node:test';
import { floatToHalf } from './float16.js';
import { ModelFormatError } from './model-format-error.js';
import { entryValues, readSafetensors, writeSafetensors } from './safetensors.js';

/** A safetensors file from a header object and raw data, for hand-made (and broken) files. */
function rawFile(header: unknown, data: Uint8Array, headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(out.buffer).setUint32(0, headerLength ?? json.byteLength, true);
  out.set(json, 8);
  out.set(data, 8 + json.byteLength);
  return out;
}

test('write then read is bit-exact, keeps metadata and aligns the data to 8 bytes', () => {
  const w = new Float32Array([1, -0, NaN, 3.5, 1e-40, 7]);
  const steps = new Int32Array([5, -6]);
  const bytes = writeSafetensors({ 'conv.weight': { dtype: 'float32', shape: [2, 3], values: w }, steps: { dtype: 'int32', shape: [2], values: steps } }, { format: 'pt' });
  const headerLength = new DataView(bytes.buffer).getUint32(0, true);
  assert.equal(headerLength % 8, 0);
  const file = readSafetensors(bytes);
  assert.deepEqual(file.metadata, { format: 'pt' });
  const conv = file.tensors.get('conv.weight');
  assert.equal(conv?.dtype, 'F32');
  assert.deepEqual(conv?.shape, [2, 3]);
  assert.deepEqual(new Uint32Array(entryValues(conv!).values.buffer), new Uint32Array(w.buffer));
  assert.deepEqual(entryValues(file.tensors.get('steps')!), { dtype: 'int32', values: steps });
});

test('F16, BF16 and I64 widen or narrow exactly; F64 is refused', () => {
  const half = new Uint16Array([floatToHalf(1.5), floatToHalf(-0.25)]);
  const bf = new Uint16Array([0x3fc0, 0xc040]); // 1.5, -3
  const i64 = new BigInt64Array([-3n, 2147483647n]);
  const data = new Uint8Array([...new Uint8Array(half.buffer), ...new Uint8Array(bf.buffer), ...new Uint8Array(i64.buffer)]);
  const file = readSafetensors(rawFile({
    h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
    b: { dtype: 'BF16', shape: [2], data_offsets: [4, 8] },
    i: { dtype: 'I64', shape: [2], data_offsets: [8, 24] },
  }, data));
  assert.deepEqual([...entryValues(file.tensors.get('h')!).values], [1.5, -0.25]);
  assert.deepEqual([...entryValues(file.tensors.get('b')!).values], [1.5, -3]);
  assert.deepEqual([...entryValues(file.tensors.get('i')!).values], [-3, 2147483647]);
  const big = readSafetensors(rawFile({ i: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(new BigInt64Array([2n ** 40n]).buffer)));
  assert.throws(() => entryValues(big.tensors.get('i')!), /I64 value 1099511627776 at index 0 does not fit in int32/);
  const f64 = readSafetensors(rawFile({ d: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)));
  assert.throws(() => entryValues(f64.tensors.get('d')!), /F64 cannot be loaded without losing precision/);
});

test('malformed files fail with the tensor and the offending numbers', () => {
  const data = new Uint8Array(16);
  const cases: [Uint8Array, RegExp][] = [
    [new Uint8Array(5), /too short for the 8-byte header length/],
    [rawFile({}, data, 10_000), /header length 10000 is invalid/],
    [rawFile({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, data).subarray(0, 30), /header length \d+ is invalid|not valid JSON/],
    [rawFile({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 16] } }, data), /tensor 'a': F32 \[3\] needs 12 bytes, data_offsets \[0,16\] give 16/],
    [rawFile({ a: { dtype: 'F32', shape: [8], data_offsets: [0, 32] } }, data), /data_offsets \[0,32\] must be \[begin, end\] with 0 <= begin <= end <= 16/],
    [rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [12, 16] } }, data), /tensor 'b' starts at data byte 12, expected 8 \(a gap/],
    [rawFile({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, data), /an overlap/],
    [rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, data), /the tensors cover 8 data bytes, the file has 16/],
    [rawFile({ a: { dtype: 'Q4', shape: [2], data_offsets: [0, 8] } }, data), /unknown dtype string "Q4"/],
    [rawFile({ __metadata__: { n: 1 } }, new Uint8Array()), /__metadata__ must map names to strings/],
    [rawFile([1, 2], new Uint8Array()), /header must be a JSON object/],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(() => readSafetensors(bytes, 'w.safetensors'), (e: unknown) => e instanceof ModelFormatError && message.test(e.message), String(message));
  }
});

test('values are read correctly from a Node Buffer that views a larger pool', () => {
  const w = new Float32Array([0.25, -2, 8]);
  const bytes = writeSafetensors({ w: { dtype: 'float32', shape: [3], values: w } });
  // Small Buffers share one pooled ArrayBuffer; readFile results can be such views too.
  const pool = Buffer.alloc(bytes.length + 24, 0xff);
  pool.set(bytes, 16);
  const file = readSafetensors(pool.subarray(16, 16 + bytes.length));
  assert.deepEqual(entryValues(file.tensors.get('w')!).values, w);
});
