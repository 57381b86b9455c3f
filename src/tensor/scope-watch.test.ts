// Tensors made inside a step scope are not registered with the FinalizationRegistry (each
// registration is ~350 bytes of V8 old space until a full collection); those that leave every
// scope, or are kept, are.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../backend/engine.js';
import { add } from '../ops/binary.js';
import { tensor } from '../ops/create.js';
import { registrationCount } from './reclamation.js';
import { keep, withScope } from './scope.js';

test('a step scope releases its tensors without registering them for reclamation', () => {
  const a = tensor([1, 2, 3]);
  const before = registrationCount();
  for (let i = 0; i < 50; i++) withScope(() => { add(add(a, a), a); });
  assert.equal(registrationCount(), before);
});

test('a tensor that leaves every scope, or is kept, is registered (once: its token covers its storage); one handed to an enclosing scope is not yet', () => {
  const a = tensor([1, 2, 3]);
  let before = registrationCount();
  const out = withScope(() => add(a, a));
  assert.equal(registrationCount(), before + 1);
  assert.deepEqual(Array.from(out.dataSync()), [2, 4, 6]);
  before = registrationCount();
  const inner = withScope(() => {
    const handedOn = withScope(() => add(a, a));
    assert.equal(registrationCount(), before);
    return handedOn;
  });
  assert.equal(registrationCount(), before + 1);
  assert.deepEqual(Array.from(inner.dataSync()), [2, 4, 6]);
  before = registrationCount();
  let kept = a;
  withScope(() => {
    kept = keep(add(a, a));
    add(kept, a);
  });
  assert.equal(registrationCount(), before + 1);
  assert.deepEqual(Array.from(kept.dataSync()), [2, 4, 6]);
  before = registrationCount();
  tensor([4]);
  assert.equal(registrationCount(), before + 1);
});
