import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIdx } from './idx.js';

/** An IDX buffer: header [0, 0, code, rank], big-endian dims, then the given payload bytes. */
function idx(code: number, shape: number[], payload: number[]): Uint8Array {
  const header = [0, 0, code, shape.length];
  for (const d of shape) header.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return Uint8Array.from([...header, ...payload]);
}

describe('parseIdx', () => {
  it('reads uint8 images with their shape', () => {
    const t = parseIdx(idx(0x08, [2, 2, 3], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]));
    assert.equal(t.dtype, 'uint8');
    assert.deepEqual(t.shape, [2, 2, 3]);
    assert.ok(t.data instanceof Uint8Array);
    assert.deepEqual([...t.data], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
  });

  it('reads signed and multi-byte values big-endian', () => {
    assert.deepEqual([...parseIdx(idx(0x09, [2], [0xff, 0x7f])).data], [-1, 127]);
    assert.deepEqual([...parseIdx(idx(0x0b, [2], [0x01, 0x02, 0xff, 0xfe])).data], [258, -2]);
    assert.deepEqual([...parseIdx(idx(0x0c, [1], [0x00, 0x01, 0x00, 0x00])).data], [65536]);
    // 1.5 is 0x3fc00000 as float32 and 0x3ff8000000000000 as float64.
    assert.deepEqual([...parseIdx(idx(0x0d, [1], [0x3f, 0xc0, 0, 0])).data], [1.5]);
    const f64 = parseIdx(idx(0x0e, [1], [0x3f, 0xf8, 0, 0, 0, 0, 0, 0]));
    assert.equal(f64.dtype, 'float64');
    assert.deepEqual([...f64.data], [1.5]);
  });

  it('reads large dimensions as unsigned 32-bit big-endian', () => {
    const t = parseIdx(idx(0x08, [1, 300], new Array(300).fill(7)));
    assert.deepEqual(t.shape, [1, 300]);
    assert.equal(t.data.length, 300);
  });

  it('works on a view into a larger buffer', () => {
    const whole = new Uint8Array(64);
    const part = idx(0x0b, [1], [0x12, 0x34]);
    whole.set(part, 5);
    assert.deepEqual([...parseIdx(whole.subarray(5, 5 + part.length)).data], [0x1234]);
  });

  it('rejects a buffer shorter than the magic number', () => {
    assert.throws(() => parseIdx(Uint8Array.of(0, 0), 'a.idx'), /a\.idx: not an IDX file: expected at least a 4-byte header, got 2 bytes/);
  });

  it('rejects a magic number without two leading zero bytes', () => {
    assert.throws(() => parseIdx(Uint8Array.of(0x1f, 0x8b, 8, 1, 0, 0, 0, 0), 'train.gz'), /train\.gz: not an IDX file: .*0x1f 0x8b/);
  });

  it('rejects an unknown element type code', () => {
    assert.throws(() => parseIdx(idx(0x0a, [1], [0]), 'f'), /f: unknown IDX element type code 0x0a/);
  });

  it('rejects rank 0', () => {
    assert.throws(() => parseIdx(Uint8Array.of(0, 0, 8, 0, 1)), /IDX data: IDX rank must be at least 1, got 0/);
  });

  it('rejects a truncated header', () => {
    assert.throws(() => parseIdx(Uint8Array.of(0, 0, 8, 3, 0, 0, 0, 1), 'h'), /h: truncated IDX header: rank 3 needs 16 header bytes, got 8/);
  });

  it('rejects truncated data, naming the expected and actual byte counts', () => {
    const bytes = idx(0x08, [60000, 28, 28], new Array(1000 - 16).fill(0));
    assert.throws(
      () => parseIdx(bytes, 'train-images-idx3-ubyte'),
      /train-images-idx3-ubyte: truncated: expected 47040016 bytes for shape \[60000, 28, 28\] of uint8, got 1000/,
    );
  });

  it('rejects trailing bytes', () => {
    assert.throws(() => parseIdx(idx(0x0c, [1], [0, 0, 0, 1, 9]), 'labels'), /labels: trailing bytes: expected 12 bytes for shape \[1\] of int32, got 13/);
  });
});
