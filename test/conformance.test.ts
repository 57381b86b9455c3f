/**
 * Backend conformance: every op of the op table, forward and gradients, on every registered
 * backend, compared with the reference backend; plus random shapes for the heavy kernels (odd
 * sizes, strides, dilations, padding). The reference backend is the spec, so a difference is a bug
 * in the other backend.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradients } from '../src/autograd/backward.js';
import { engine } from '../src/backend/engine.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { type Fn, OP_TABLE } from '../src/testing/op-table.js';

interface Outcome {
  y: Float32Array;
  grads: (Float32Array | null)[];
}

/** Runs `fn` on `backend` with copies of `values`; returns y and the gradients of sum(y * r). */
function runOn(backend: string, fn: Fn, values: { data: Float32Array | Int32Array; shape: readonly number[]; dtype: 'float32' | 'int32' }[], seed: number): Outcome {
  engine.setBackend(backend);
  const xs = values.map((v) => {
    const t = ops.tensor(v.data.slice(), v.shape, v.dtype);
    if (v.dtype === 'float32') t.requiresGrad = true;
    return t;
  });
  const y = fn(...xs);
  const rng = new Random(seed);
  const r = ops.tensor(Float32Array.from({ length: y.size }, () => rng.normal()), y.shape);
  const grads = gradients(ops.sum(ops.mul(y, r)), xs);
  return { y: Float32Array.from(y.dataSync()), grads: grads.map((g) => (g === null ? null : Float32Array.from(g.dataSync()))) };
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < expected.length; i++) {
    const tol = 1e-5 + 1e-4 * Math.max(Math.abs(expected[i]), 1e-2 * scale);
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      assert.fail(`${what}[${i}]: ${actual[i]} vs reference ${expected[i]} (tolerance ${tol.toExponential(1)})`);
    }
  }
}

function compare(backend: string, title: string, fn: Fn, inputs: Tensor[], seed: number): void {
  const values = inputs.map((t) => ({ data: t.dataSync(), shape: t.shape, dtype: t.dtype }));
  const expected = runOn('ref', fn, values, seed);
  const actual = runOn(backend, fn, values, seed);
  engine.setBackend('ref');
  assertClose(actual.y, expected.y, `${backend} ${title} y`);
  expected.grads.forEach((g, k) => {
    const a = actual.grads[k];
    assert.equal(a === null, g === null, `${backend} ${title}: gradient ${k} presence`);
    if (g !== null && a !== null) assertClose(a, g, `${backend} ${title} d(input ${k})`);
  });
}

/** Random conv/pool/matmul problems with odd sizes, strides, dilations and padding. */
function randomCases(count: number): { title: string; fn: Fn; inputs: (r: Random) => Tensor[] }[] {
  const rng = new Random(7);
  const randn = (shape: number[], r: Random) => ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.normal()), shape);
  const cases = [];
  for (let i = 0; i < count; i++) {
    const [n, h, w, c, f] = [1 + rng.int(3), 5 + rng.int(9), 5 + rng.int(9), 1 + rng.int(9), 1 + rng.int(17)];
    const [kh, kw] = [1 + rng.int(4), 1 + rng.int(4)];
    const dilated = rng.next() < 0.3;
    const strides: [number, number] = dilated ? [1, 1] : [1 + rng.int(3), 1 + rng.int(3)];
    const dilations: [number, number] = dilated ? [1 + rng.int(2), 1 + rng.int(2)] : [1, 1];
    const padding = rng.next() < 0.5 ? 'same' : ([rng.int(2), rng.int(2), rng.int(2), rng.int(2)] as [number, number, number, number]);
    const conv: ops.Conv2DOptions = { strides, dilations, padding, activation: rng.next() < 0.5 ? 'relu' : 'linear' };
    cases.push({
      title: `conv2d x[${n},${h},${w},${c}] k${kh}x${kw}x${f} s${strides} d${dilations} p${padding}`,
      fn: (x: Tensor, k: Tensor, b: Tensor) => ops.conv2d(x, k, { ...conv, bias: b }),
      inputs: (r: Random) => [randn([n, h, w, c], r), randn([kh, kw, c, f], r), randn([f], r)],
    });
    const pool = (['maxPool2d', 'minPool2d', 'avgPool2d'] as const)[rng.int(3)];
    const pk: [number, number] = [1 + rng.int(3), 1 + rng.int(3)];
    // Drawn here, not inside fn: fn runs once per backend and must compute the same thing.
    const poolOptions: ops.Pool2DOptions = { strides: [1 + rng.int(2), 1 + rng.int(2)], padding: rng.next() < 0.5 ? 'same' : 'valid' };
    cases.push({
      title: `${pool} x[${n},${h},${w},${c}] k${pk} s${poolOptions.strides} ${poolOptions.padding}`,
      fn: (x: Tensor) => ops[pool](x, pk, poolOptions),
      inputs: (r: Random) => [randn([n, h, w, c], r)],
    });
    const [m, k2, n2] = [1 + rng.int(70), 1 + rng.int(70), 1 + rng.int(70)];
    cases.push({
      title: `dense ${m}x${k2} @ ${k2}x${n2}`,
      fn: (x: Tensor, wt: Tensor, b: Tensor) => ops.dense(x, wt, b, 'relu'),
      inputs: (r: Random) => [randn([m, k2], r), randn([k2, n2], r), randn([n2], r)],
    });
  }
  return cases;
}

// The wasm backend at one and two threads (the thread split must not change results).
registerWasmBackend({ name: 'wasm-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-2t', threads: 2, priority: 0 });

const others = engine.backendNames().filter((b) => b !== 'ref');

describe('backend conformance against the reference backend', () => {
  if (others.length === 0) {
    it('needs a second backend', { skip: 'only the reference backend is registered' }, () => {});
    return;
  }
  for (const backend of others) {
    OP_TABLE.forEach((c, i) => {
      const title = c.variant ? `${c.op} (${c.variant})` : c.op;
      it(`${backend}: ${title}`, () => compare(backend, title, c.fn, c.inputs(new Random(500 + i)), i));
    });
    randomCases(12).forEach((c, i) => {
      it(`${backend}: ${c.title}`, () => compare(backend, c.title, c.fn, c.inputs(new Random(900 + i)), i));
    });
  }
});
