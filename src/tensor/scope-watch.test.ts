// Tensors made inside a step scope are not registered with the FinalizationRegistry (each
// registration is ~350 bytes of V8 old space until a full collection); those that leave every
// scope, or are kept, are.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../backend/engine.js';
import { add } from '../ops/binary.js';
import { tensor } from '../ops/create.js';
import { registrationCount } from './reclamation.js';
import { keep, watchUnwatched, withScope } from './scope.js';

test('a step scope releases its tensors without registering them for reclamation', () => {
  const a = tensor([1, 2, 3]);
  const before = registrationCount();
  for (let i = 0; i < 50; i++) withScope(() => { add(add(a, a), a); });
  assert.equal(registrationCount(), before);
});

test('a tensor that leaves every scope, or is kept, is registered (once: its token covers its storage); one handed to an enclosing scope is not yet', () => {
  const a = tensor([1, 2, 3]);
  watchUnwatched();
  let before = registrationCount();
  const out = withScope(() => add(a, a));
  watchUnwatched();
  assert.equal(registrationCount(), before + 1);
  assert.deepEqual(Array.from(out.dataSync()), [2, 4, 6]);
  before = registrationCount();
  const inner = withScope(() => {
    const handedOn = withScope(() => add(a, a));
    assert.equal(registrationCount(), before);
    return handedOn;
  });
  watchUnwatched();
  assert.equal(registrationCount(), before + 1);
  assert.deepEqual(Array.from(inner.dataSync()), [2, 4, 6]);
  before = registrationCount();
  let kept = a;
  withScope(() => {
    kept = keep(add(a, a));
    add(kept, a);
  });
  watchUnwatched();
  assert.equal(registrationCount(), before + 1);
  assert.deepEqual(Array.from(kept.dataSync()), [2, 4, 6]);
  before = registrationCount();
  tensor([4]);
  watchUnwatched();
  assert.equal(registrationCount(), before + 1);
});

test('outside every scope, a tensor released soon after it is made is never registered; one still alive is, at the latest when the waiting list is full', () => {
  const a = tensor([1, 2, 3]);
  watchUnwatched();
  const before = registrationCount();
  for (let i = 0; i < 100; i++) add(a, a).release();
  watchUnwatched();
  assert.equal(registrationCount(), before);
  const alive = Array.from({ length: 100 }, () => add(a, a));
  // Without a flush: all but the last few (at most the list's 48) were registered when the list filled.
  assert.ok(registrationCount() - before >= 100 - 48, `${registrationCount() - before} registered`);
  watchUnwatched();
  assert.equal(registrationCount(), before + 100);
  assert.deepEqual(Array.from(alive[99]!.dataSync()), [2, 4, 6]);
});
