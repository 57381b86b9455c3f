import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BinaryOp, TensorInfo } from '../kernels.js';
import { binary } from './Binary.js';
import { assertClose, assertTensor, tensor, values } from './kernel-test-util.js';

const t = tensor;

test('Binary: equal shapes, every arithmetic op', () => {
  const a = t([1, -2, 3, 4], [2, 2]);
  const b = t([2, 4, -1, 0.5], [2, 2]);
  assertTensor(binary({ a, b }, { op: 'add' }), [2, 2], [3, 2, 2, 4.5]);
  assertTensor(binary({ a, b }, { op: 'sub' }), [2, 2], [-1, -6, 4, 3.5]);
  assertTensor(binary({ a, b }, { op: 'mul' }), [2, 2], [2, -8, -3, 2]);
  assertTensor(binary({ a, b }, { op: 'div' }), [2, 2], [0.5, -0.5, -3, 8]);
  assertTensor(binary({ a, b }, { op: 'pow' }), [2, 2], [1, 16, 1 / 3, 2].map(Math.fround));
  assertTensor(binary({ a, b }, { op: 'maximum' }), [2, 2], [2, 4, 3, 4]);
  assertTensor(binary({ a, b }, { op: 'minimum' }), [2, 2], [1, -2, -1, 0.5]);
});

test('Binary: comparisons return float32 1/0, also for int32 inputs', () => {
  const a = t([1, 2, 3], [3], 'int32');
  const b = t([2, 2, 2], [3], 'int32');
  assertTensor(binary({ a, b }, { op: 'equal' }), [3], [0, 1, 0]);
  assertTensor(binary({ a, b }, { op: 'notEqual' }), [3], [1, 0, 1]);
  assertTensor(binary({ a, b }, { op: 'greater' }), [3], [0, 0, 1]);
  assertTensor(binary({ a, b }, { op: 'greaterEqual' }), [3], [0, 1, 1]);
  assertTensor(binary({ a, b }, { op: 'less' }), [3], [1, 0, 0]);
  assertTensor(binary({ a, b }, { op: 'lessEqual' }), [3], [1, 1, 0]);
});

test('Binary: scalar on either side, rank 0 with rank 0', () => {
  const x = t([1, 2, 3, 4, 5, 6], [2, 3]);
  const s = t([10], []);
  assertTensor(binary({ a: x, b: s }, { op: 'sub' }), [2, 3], [-9, -8, -7, -6, -5, -4]);
  assertTensor(binary({ a: s, b: x }, { op: 'sub' }), [2, 3], [9, 8, 7, 6, 5, 4]);
  assertTensor(binary({ a: s, b: t([4], []) }, { op: 'div' }), [], [2.5]);
  assertTensor(binary({ a: t([2], [1, 1]), b: x }, { op: 'pow' }), [2, 3], [2, 4, 8, 16, 32, 64]);
});

test('Binary: bias along trailing dims (tile), both operand orders', () => {
  const x = t([1, 2, 3, 4, 5, 6], [2, 3]);
  const bias = t([10, 20, 30], [3]);
  assertTensor(binary({ a: x, b: bias }, { op: 'sub' }), [2, 3], [-9, -18, -27, -6, -15, -24]);
  assertTensor(binary({ a: bias, b: x }, { op: 'sub' }), [2, 3], [9, 18, 27, 6, 15, 24]);
  // [1, 3] on [2, 2, 3]: trailing block behind a leading 1.
  const big = t([...Array(12).keys()], [2, 2, 3]);
  assertTensor(binary({ a: big, b: t([100, 200, 300], [1, 3]) }, { op: 'add' }), [2, 2, 3],
    [100, 201, 302, 103, 204, 305, 106, 207, 308, 109, 210, 311]);
});

test('Binary: column along leading dims (stretch), both operand orders', () => {
  const x = t([1, 2, 3, 4, 5, 6], [2, 3]);
  const col = t([10, 20], [2, 1]);
  assertTensor(binary({ a: x, b: col }, { op: 'sub' }), [2, 3], [-9, -8, -7, -16, -15, -14]);
  assertTensor(binary({ a: col, b: x }, { op: 'sub' }), [2, 3], [9, 8, 7, 16, 15, 14]);
});

test('Binary: general broadcasting where both sides stretch ([2,1] x [3] -> [2,3])', () => {
  const a = t([1, 2], [2, 1]);
  const b = t([10, 20, 30], [3]);
  assertTensor(binary({ a, b }, { op: 'mul' }), [2, 3], [10, 20, 30, 20, 40, 60]);
  assertTensor(binary({ a: b, b: a }, { op: 'sub' }), [2, 3], [9, 19, 29, 8, 18, 28]);
  // Middle-axis broadcast: [2,1,2] with [2,3,2] is neither a tile nor a stretch.
  const m = t([1, 2, 3, 4], [2, 1, 2]);
  const n = t(Array(12).fill(10), [2, 3, 2]);
  assertTensor(binary({ a: m, b: n }, { op: 'add' }), [2, 3, 2], [11, 12, 11, 12, 11, 12, 13, 14, 13, 14, 13, 14]);
});

test('Binary: int32 keeps its dtype; div is floor division, mul wraps exactly', () => {
  const a = t([7, -7, 7, -7, 2147483647], [5], 'int32');
  const b = t([2, 2, -2, -2, 1], [5], 'int32');
  assertTensor(binary({ a, b }, { op: 'div' }), [5], [3, -4, -4, 3, 2147483647], 'int32');
  assertTensor(binary({ a, b }, { op: 'add' }), [5], [9, -5, 5, -9, -2147483648], 'int32');
  const big = t([65537, 123456789], [2], 'int32');
  assertTensor(binary({ a: big, b: big }, { op: 'mul' }), [2], [Math.imul(65537, 65537), Math.imul(123456789, 123456789)], 'int32');
});

test('Binary: NaN propagates through maximum/minimum', () => {
  const out = binary({ a: t([NaN, 1], [2]), b: t([1, NaN], [2]) }, { op: 'maximum' });
  assert.ok(values(out).every(Number.isNaN));
  assert.ok(values(binary({ a: t([NaN, 1], [2]), b: t([1, NaN], [2]) }, { op: 'minimum' })).every(Number.isNaN));
});

test('Binary: zero-size broadcast gives an empty result', () => {
  assertTensor(binary({ a: t([], [0, 3]), b: t([1, 2, 3], [3]) }, { op: 'add' }), [0, 3], []);
});

test('Binary: errors name the op and both shapes', () => {
  assert.throws(() => binary({ a: t([1, 2, 3], [3]), b: t([1, 2], [2]) }, { op: 'add' }), /Binary\(add\).*\[3\].*\[2\]/);
  assert.throws(() => binary({ a: t([1], [1]), b: t([1], [1], 'int32') }, { op: 'mul' }), /Binary\(mul\).*float32.*int32/);
});

// Independent per-element definitions, to check every loop layout (and mirrored operand order).
const NAIVE: Record<BinaryOp, (x: number, y: number, int: boolean) => number> = {
  add: (x, y) => x + y, sub: (x, y) => x - y, mul: (x, y, int) => (int ? Number(BigInt.asIntN(32, BigInt(x) * BigInt(y))) : x * y),
  div: (x, y, int) => (int ? Math.floor(x / y) : x / y), pow: (x, y) => x ** y,
  maximum: (x, y) => Math.max(x, y), minimum: (x, y) => Math.min(x, y),
  equal: (x, y) => +(x === y), notEqual: (x, y) => +(x !== y), greater: (x, y) => +(x > y),
  greaterEqual: (x, y) => +(x >= y), less: (x, y) => +(x < y), lessEqual: (x, y) => +(x <= y),
};

/** Value of operand x at output coordinate idx under NumPy broadcasting. */
function at(x: TensorInfo, idx: number[]): number {
  let flat = 0;
  x.shape.forEach((d, i) => { flat = flat * d + (d === 1 ? 0 : idx[idx.length - x.shape.length + i]); });
  return values(x)[flat];
}

test('Binary: every op, both dtypes, every broadcast layout in both operand orders', () => {
  const pairs: number[][][] = [[[3, 4, 5], [3, 4, 5]], [[3, 4, 5], [5]], [[3, 4, 5], [3, 1, 1]], [[3, 4, 5], [4, 5]],
    [[3, 4, 5], []], [[3, 1, 5], [4, 1]], [[2, 1, 3], [2, 4, 1]]];
  for (const dtype of ['float32', 'int32'] as const) {
    const gen = (shape: number[], seed: number) => {
      const n = shape.reduce((p, d) => p * d, 1);
      // Small non-zero integers keep pow finite and make int division exact to check; some repeats test ==.
      return t(Array.from({ length: n }, (_, i) => ((i * 7 + seed) % 5) + 1 - (i % 2) * 7 + (dtype === 'float32' ? 0.5 : 0)), shape, dtype);
    };
    for (const [s1, s2] of pairs) {
      for (const [sa, sb] of [[s1, s2], [s2, s1]]) {
        const [a, b] = [gen(sa, 1), gen(sb, 3)];
        for (const op of Object.keys(NAIVE) as BinaryOp[]) {
          const got = binary({ a, b }, { op });
          const expected: number[] = [];
          const idx = new Array<number>(got.shape.length).fill(0);
          for (let k = 0; k < values(got).length; k++) {
            expected.push(NAIVE[op](at(a, idx), at(b, idx), dtype === 'int32'));
            for (let d = got.shape.length - 1; d >= 0 && ++idx[d] === got.shape[d]; d--) idx[d] = 0;
          }
          const want = got.dtype === 'int32' ? Array.from(Int32Array.from(expected)) : Array.from(Float32Array.from(expected));
          assertClose(values(got), want, 0, 0, `${dtype} ${op} [${sa}] x [${sb}]`);
        }
      }
    }
  }
});
