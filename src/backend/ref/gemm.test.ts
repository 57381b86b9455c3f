import { test } from 'node:test';
import assert from 'node:assert/strict';
import { biasActivation, gemm } from './gemm.js';
import { assertClose, lcg } from './kernel-test-util.js';


function randomF32(n: number, rng: () => number): Float32Array {
  return Float32Array.from({ length: n }, () => rng() * 2 - 1);
}

/** The definition in float64: C = alpha * op(A) * op(B) + beta * C. */
function naive(
  tA: boolean, tB: boolean, m: number, n: number, k: number, alpha: number,
  a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number,
  beta: number, c: Float32Array, cOff: number, ldc: number,
): Float64Array {
  const out = Float64Array.from(c);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        s += a[aOff + (tA ? p * lda + i : i * lda + p)] * b[bOff + (tB ? j * ldb + p : p * ldb + j)];
      }
      const idx = cOff + i * ldc + j;
      out[idx] = alpha * s + (beta === 0 ? 0 : beta * c[idx]);
    }
  }
  return out;
}

test('gemm: odd sizes, every transpose combination, alpha/beta, offsets and padded leading dimensions', () => {
  const rng = lcg(1);
  // Sizes straddle the 4x8 micro-tile, the 64-row and 256-deep blocks.
  const sizes: [number, number, number][] = [[1, 1, 1], [3, 5, 7], [13, 9, 17], [67, 33, 259], [5, 70, 3], [130, 11, 300]];
  for (const [m, n, k] of sizes) {
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        for (const [alpha, beta] of [[1, 0], [0.5, 1], [-2, 0.25]]) {
          const [aRows, aCols] = tA ? [k, m] : [m, k];
          const [bRows, bCols] = tB ? [n, k] : [k, n];
          const lda = aCols + 2, ldb = bCols + 1, ldc = n + 3;
          const a = randomF32(3 + aRows * lda, rng);
          const b = randomF32(5 + bRows * ldb, rng);
          const c = randomF32(2 + m * ldc, rng);
          const expected = naive(tA, tB, m, n, k, alpha, a, 3, lda, b, 5, ldb, beta, c, 2, ldc);
          gemm({ transA: tA, transB: tB, m, n, k, alpha, beta,
            a: { data: a, offset: 3, ld: lda }, b: { data: b, offset: 5, ld: ldb }, c: { data: c, offset: 2, ld: ldc } });
          assertClose(c, expected, 1e-4, 1e-5, `m${m} n${n} k${k} tA=${tA} tB=${tB} alpha=${alpha} beta=${beta}`);
        }
      }
    }
  }
});

test('gemm: beta = 0 ignores NaN in C; elements outside the C view are untouched', () => {
  const a = Float32Array.from([1, 2, 3, 4]);
  const b = Float32Array.from([5, 6, 7, 8]);
  const c = Float32Array.from([NaN, NaN, -1, NaN, NaN, -1]);
  gemm({ transA: false, transB: false, m: 2, n: 2, k: 2, alpha: 1, beta: 0,
    a: { data: a, offset: 0, ld: 2 }, b: { data: b, offset: 0, ld: 2 }, c: { data: c, offset: 0, ld: 3 } });
  assert.deepEqual(Array.from(c), [19, 22, -1, 43, 50, -1]);
});

test('gemm: k = 0 only scales C by beta', () => {
  const c = Float32Array.from([1, 2]);
  const empty = { data: new Float32Array(0), offset: 0, ld: 1 };
  gemm({ transA: false, transB: false, m: 1, n: 2, k: 0, alpha: 1, beta: 3, a: empty, b: empty, c: { data: c, offset: 0, ld: 2 } });
  assert.deepEqual(Array.from(c), [3, 6]);
});

test('biasActivation: adds bias per column, relu clamps negatives and keeps NaN', () => {
  const y = Float32Array.from([1, -5, NaN, -1]);
  biasActivation(y, 2, Float32Array.from([1, 2]), 'relu');
  assert.deepEqual(Array.from(y), [2, 0, NaN, 1]);
});
