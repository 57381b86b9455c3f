// A Variable is registered with the garbage collector once, for its whole life: the storage an
// optimizer swaps in every step is not registered on its own (each registration was a WeakCell in
// V8's old space until the next full collection), and still comes back when the variable becomes
// unreachable, through the variable's own registration.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memory } from '../backend/engine.js';
import '../node/install-collector.js';
import { add } from '../ops/binary.js';
import { tensor } from '../ops/create.js';
import { reclaimUnreachable, registrationCount } from './reclamation.js';
import { withScope } from './scope.js';
import { Variable } from './variable.js';

test('storage swapped into a variable inside a step scope registers nothing with the collector', () => {
  const v = new Variable(tensor([1, 2, 3]));
  const one = tensor([1, 1, 1]);
  const before = registrationCount();
  for (let i = 0; i < 50; i++) withScope(() => v.assign(add(v, one)));
  assert.equal(registrationCount(), before);
  assert.deepEqual(Array.from(v.dataSync()), [51, 52, 53]);
});

test('a variable that becomes unreachable gives back the storage it last took', () => {
  assert.ok(reclaimUnreachable(), 'Node lets Fovea run the collector and the finalizers at once');
  const start = memory();
  (() => {
    const v = new Variable(tensor(new Float32Array(1000)));
    const one = tensor(new Float32Array(1000).fill(1));
    for (let i = 0; i < 5; i++) withScope(() => v.assign(add(v, one)));
    assert.equal(v.dataSync()[0], 5);
  })();
  reclaimUnreachable();
  const end = memory();
  assert.equal(end.bytes, start.bytes, `${end.bytes - start.bytes} bytes still held`);
  assert.equal(end.tensors, start.tensors);
});
