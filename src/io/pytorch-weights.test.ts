import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../tensor/random.js';
import { randomInput, smallCnn } from './io-test-util.js';
import { ModelFormatError } from './model-format-error.js';
import { loadPytorchWeights, type StateDictValue } from './pytorch-weights.js';
import { writeSafetensors } from './safetensors.js';

const rand = (n: number, rng: Random) => Float32Array.from({ length: n }, () => rng.uniform(-0.5, 0.5));

/** Weights in PyTorch layout for smallCnn: Conv2d(2, 4, 3) and Linear(36, 3). */
function torchWeights(): Record<string, StateDictValue> {
  const rng = new Random(9);
  return {
    '0.weight': { shape: [4, 2, 3, 3], values: rand(72, rng) },
    '0.bias': { shape: [4], values: rand(4, rng) },
    '3.weight': { shape: [3, 36], values: rand(108, rng) },
    '3.bias': { shape: [3], values: rand(3, rng) },
  };
}

/** What PyTorch computes: NCHW conv + relu, 2x2 max pool, flatten C,H,W, linear, softmax. */
function torchForward(x: Float32Array, w: Record<string, StateDictValue>): number[] {
  const at = (c: number, h: number, wi: number) => x[(h * 8 + wi) * 2 + c];
  const cw = w['0.weight'].values;
  const conv = (o: number, h: number, wi: number) => {
    let s = w['0.bias'].values[o];
    for (let c = 0; c < 2; c++) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += cw[((o * 2 + c) * 3 + i) * 3 + j] * at(c, h + i, wi + j);
    return Math.max(0, s);
  };
  const flat: number[] = [];
  for (let o = 0; o < 4; o++) for (let h = 0; h < 3; h++) for (let wi = 0; wi < 3; wi++) {
    flat.push(Math.max(conv(o, 2 * h, 2 * wi), conv(o, 2 * h + 1, 2 * wi), conv(o, 2 * h, 2 * wi + 1), conv(o, 2 * h + 1, 2 * wi + 1)));
  }
  const logits = [0, 1, 2].map((k) => flat.reduce((s, v, i) => s + v * w['3.weight'].values[k * 36 + i], w['3.bias'].values[k]));
  const m = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - m));
  return e.map((v) => v / e.reduce((a, b) => a + b));
}

test('PyTorch OIHW conv and [out, in] linear weights give the PyTorch outputs (flatten order included)', () => {
  const weights = torchWeights();
  const model = smallCnn(1);
  loadPytorchWeights(model, new Map(Object.entries(weights)));
  assert.deepEqual(model.weights[0].shape, [3, 3, 2, 4]);
  const x = randomInput(1, [8, 8, 2], 4);
  const got = [...model.predict(x).dataSync()];
  const want = torchForward(x.dataSync() as Float32Array, weights);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) < 1e-6, `output ${i}: ${g} vs ${want[i]}`));
});

test('from safetensors bytes, with a mapping when the names do not sort in module order', () => {
  const w = torchWeights();
  const named = { 'features.0.weight': w['0.weight'], 'features.0.bias': w['0.bias'], 'classifier.weight': w['3.weight'], 'classifier.bias': w['3.bias'] };
  const bytes = writeSafetensors(Object.fromEntries(Object.entries(named).map(([k, v]) => [k, { dtype: 'float32' as const, shape: v.shape, values: v.values as Float32Array }])));
  const model = smallCnn(1);
  // Natural name order pairs 'classifier' with the conv layer: the shape check catches it.
  assert.throws(() => loadPytorchWeights(model, bytes), (e: unknown) => e instanceof ModelFormatError && /tensor 'classifier.weight' \[3, 36\]/.test(e.message));
  const before = model.weights.map((v) => v.dataSync());
  model.weights.forEach((v, i) => assert.deepEqual(v.dataSync(), before[i]));
  loadPytorchWeights(model, bytes, { conv2d: 'features.0', dense: 'classifier' });
  const x = randomInput(1, [8, 8, 2], 5);
  const want = torchForward(x.dataSync() as Float32Array, w);
  [...model.predict(x).dataSync()].forEach((g, i) => assert.ok(Math.abs(g - want[i]) < 1e-6));
});

test('missing and extra PyTorch tensors are named', () => {
  const w = torchWeights();
  const { '3.bias': _dropped, ...missing } = w;
  assert.throws(() => loadPytorchWeights(smallCnn(1), missing), /tensor '3.bias' for weight 'dense\/bias' \[3\] is missing/);
  const extra = { ...w, 'bn.running_mean': { shape: [4], values: new Float32Array(4) } };
  assert.throws(() => loadPytorchWeights(smallCnn(1), extra, { conv2d: '0', dense: '3' }), /tensors 'bn.running_mean' match no weight/);
});
