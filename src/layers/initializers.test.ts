import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../backend/engine.js';
import { Random } from '../tensor/random.js';
import { computeFans, getInitializer, GlorotUniform, HeNormal, Orthogonal, serializeInitializer, VarianceScaling } from './initializers.js';

function stats(values: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  const a = Array.from(values);
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const std = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
  return { mean, std, min: Math.min(...a), max: Math.max(...a) };
}

test('fans follow Keras: conv kernels HWIO multiply by the receptive field', () => {
  assert.deepEqual(computeFans([3, 3, 16, 32]), [144, 288]);
  assert.deepEqual(computeFans([576, 64]), [576, 64]);
  assert.deepEqual(computeFans([10]), [10, 10]);
});

test('glorotUniform draws within sqrt(6 / (fanIn + fanOut)) with the matching variance', () => {
  const v = getInitializer('glorot_uniform').apply([3, 3, 8, 16], new Random(1)).dataSync();
  const limit = Math.sqrt(6 / (72 + 144));
  const s = stats(v);
  assert.ok(s.min >= -limit && s.max <= limit, `range [${s.min}, ${s.max}] vs ±${limit}`);
  assert.ok(s.max > 0.9 * limit && s.min < -0.9 * limit, 'uses the whole range');
  assert.ok(Math.abs(s.std - limit / Math.sqrt(3)) < 0.05 * limit);
});

test('heNormal is truncated at two standard deviations with std sqrt(2 / fanIn)', () => {
  const v = new HeNormal().apply([200, 100], new Random(2)).dataSync();
  const s = stats(v);
  const std = Math.sqrt(2 / 200);
  assert.ok(Math.abs(s.std - std) < 0.03 * std, `std ${s.std} vs ${std}`);
  assert.ok(s.max <= (2 * std) / 0.8796256610342398 + 1e-6);
  assert.ok(Math.abs(s.mean) < 0.01 * std * 10);
});

test('constant, zeros, ones, randomUniform and truncatedNormal follow their configs', () => {
  const r = new Random(3);
  assert.deepEqual(Array.from(getInitializer({ className: 'Constant', config: { value: 2.5 } }).apply([3], r).dataSync()), [2.5, 2.5, 2.5]);
  assert.deepEqual(Array.from(getInitializer('zeros').apply([2], r).dataSync()), [0, 0]);
  assert.deepEqual(Array.from(getInitializer('Ones').apply([2], r).dataSync()), [1, 1]);
  const u = stats(getInitializer({ className: 'RandomUniform', config: { minval: 2, maxval: 3 } }).apply([1000], r).dataSync());
  assert.ok(u.min >= 2 && u.max < 3 && Math.abs(u.mean - 2.5) < 0.05);
  const t = stats(getInitializer('truncated_normal').apply([2000], r).dataSync());
  assert.ok(t.max <= 0.1 + 1e-7 && t.min >= -0.1 - 1e-7, 'within 2 * 0.05');
});

test('orthogonal gives orthonormal columns (tall) and rows (wide), times the gain', () => {
  for (const [rows, cols] of [[8, 3], [3, 8]]) {
    const q = new Orthogonal(2).apply([rows, cols], new Random(4)).dataSync();
    const n = Math.min(rows, cols);
    const at = (i: number, j: number) => q[i * cols + j];
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        let dot = 0;
        for (let k = 0; k < Math.max(rows, cols); k++) dot += rows >= cols ? at(k, a) * at(k, b) : at(a, k) * at(b, k);
        assert.ok(Math.abs(dot - (a === b ? 4 : 0)) < 1e-4, `[${rows}x${cols}] <${a},${b}> = ${dot}`);
      }
    }
  }
});

test('getInitializer accepts snake_case, camelCase and class names, and names the valid ones otherwise', () => {
  for (const name of ['glorot_uniform', 'glorotUniform', 'GlorotUniform']) assert.equal(getInitializer(name).className, 'GlorotUniform');
  assert.equal(getInitializer('lecun_normal').className, 'LecunNormal');
  assert.equal(getInitializer('he_uniform').className, 'HeUniform');
  assert.throws(() => getInitializer('glorot'), /Unknown initializer 'glorot'.*glorot_uniform.*he_normal/);
});

test('a seed in the initializer fixes its values; otherwise the given Random decides', () => {
  const a = new GlorotUniform(7).apply([4, 4], new Random(1)).dataSync();
  const b = new GlorotUniform(7).apply([4, 4], new Random(2)).dataSync();
  assert.deepEqual(a, b);
  const c = new GlorotUniform().apply([4, 4], new Random(1)).dataSync();
  const d = new GlorotUniform().apply([4, 4], new Random(2)).dataSync();
  assert.notDeepEqual(c, d);
});

test('serialized initializers come back the same', () => {
  const init = new VarianceScaling(0.5, 'fan_out', 'uniform', 3);
  const spec = serializeInitializer(init);
  assert.deepEqual(spec, { className: 'VarianceScaling', config: { scale: 0.5, mode: 'fan_out', distribution: 'uniform', seed: 3 } });
  assert.deepEqual(serializeInitializer(getInitializer(spec)), spec);
  assert.deepEqual(serializeInitializer(getInitializer('he_normal')), { className: 'HeNormal', config: { seed: null } });
});
