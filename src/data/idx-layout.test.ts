import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { idxLayout, parseIdx } from './idx.js';

function idx(code: number, shape: number[], payload: number[]): Uint8Array {
  const header = [0, 0, code, shape.length];
  for (const d of shape) header.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return Uint8Array.from([...header, ...payload]);
}

describe('idxLayout', () => {
  it('says where the values start, so they can be read without a copy', () => {
    const bytes = idx(0x08, [2, 3], [9, 8, 7, 6, 5, 4]);
    const layout = idxLayout(bytes);
    assert.deepEqual(layout, { dtype: 'uint8', shape: [2, 3], offset: 12 });
    assert.deepEqual([...bytes.subarray(layout.offset)], [...parseIdx(bytes).data]);
  });

  it('checks the byte length as parseIdx does', () => {
    assert.throws(() => idxLayout(idx(0x08, [4], [1, 2, 3]), 'labels'), /labels: truncated: expected 12 bytes for shape \[4\] of uint8, got 11/);
    assert.throws(() => idxLayout(idx(0x0c, [1], [0, 0, 0, 1, 9])), /IDX data: trailing bytes: expected 12 bytes/);
    assert.equal(idxLayout(idx(0x0b, [2], [0, 1, 0, 2])).dtype, 'int16');
  });
});
