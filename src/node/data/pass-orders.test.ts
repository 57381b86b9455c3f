import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../../tensor/random.js';
import { PassOrders } from './pass-orders.js';

test('each pass reuses the buffer given back, with the order Random(seed).permutation gives', () => {
  const orders = new PassOrders(1000);
  const first = orders.take(7);
  assert.deepEqual(first, new Random(7).permutation(1000));
  orders.give(first);
  const second = orders.take(8);
  assert.equal(second.buffer, first.buffer, 'a second pass allocates no new order');
  assert.deepEqual(second, new Random(8).permutation(1000));
});

test('a pass that starts while another holds the buffer gets its own', () => {
  const orders = new PassOrders(10);
  const a = orders.take(1);
  const b = orders.take(2);
  assert.notEqual(a.buffer, b.buffer);
  assert.deepEqual(a, new Random(1).permutation(10));
});
