import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../../tensor/random.js';
import { IntMap } from './int-map.js';

test('IntMap agrees with a Map over random sets and deletes (keys colliding in their home slots included)', () => {
  const m = new IntMap();
  const ref = new Map<number, number>();
  const rng = new Random(5);
  for (let i = 0; i < 20_000; i++) {
    // Multiples of 64 like heap pointers, from a small range so deletes hit and probe chains wrap.
    const key = 64 * rng.int(300);
    if (rng.next() < 0.45) assert.equal(m.delete(key), ref.delete(key));
    else {
      const value = rng.int(1 << 30);
      m.set(key, value);
      ref.set(key, value);
    }
    if (i % 97 === 0) {
      assert.equal(m.size, ref.size);
      for (let k = 0; k < 300; k++) assert.equal(m.get(64 * k), ref.get(64 * k) ?? -1, `key ${64 * k} after ${i} operations`);
      let walked = 0;
      for (let s = 0; s < m.capacity; s++) if (m.keyAt(s) >= 0) walked++;
      assert.equal(walked, ref.size);
    }
  }
});

test('IntMap keeps its table while its size stays bounded (set and delete allocate nothing)', () => {
  const m = new IntMap();
  // A window of 100 live keys sliding over 50,000 fresh ones, as heap blocks come and go.
  for (let k = 0; k < 100; k++) m.set(64 * k, k);
  const capacity = m.capacity;
  for (let k = 100; k < 50_100; k++) {
    assert.ok(m.delete(64 * (k - 100)));
    m.set(64 * k, k);
  }
  assert.equal(m.capacity, capacity);
  assert.equal(m.size, 100);
  for (let k = 50_000; k < 50_100; k++) assert.equal(m.get(64 * k), k);
});

test('IntMap refuses keys and values outside non-negative int32', () => {
  const m = new IntMap();
  assert.throws(() => m.set(-1, 0), /int32 >= 0/);
  assert.throws(() => m.set(2 ** 31, 0), /int32 >= 0/);
  assert.throws(() => m.set(0, 1.5), /int32 >= 0/);
});
