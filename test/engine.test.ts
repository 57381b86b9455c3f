/** The engine's contract: storage sharing, scopes, memory accounting, autograd mechanics. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { add, backward, gradients, memory, mul, noGrad, ones, reshape, sum, tensor, Variable } from '../src/index.js';
import { withScope } from '../src/tensor/scope.js';

test('reshape shares storage instead of copying', () => {
  const before = memory().handles;
  const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  const y = reshape(x, [3, -1]);
  assert.deepEqual(y.shape, [3, 2]);
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3, 4, 5, 6]);
  assert.equal(memory().handles - before, 1);
});

test('withScope releases what a step made and keeps what it returns', () => {
  const before = memory();
  const kept = withScope(() => {
    const a = tensor([1, 2, 3]);
    const b = mul(a, 2);
    return add(b, 1);
  });
  const after = memory();
  assert.equal(after.tensors - before.tensors, 1);
  assert.equal(after.handles - before.handles, 1);
  assert.deepEqual(Array.from(kept.dataSync()), [3, 5, 7]);
});

test('a released tensor gives a clear error', () => {
  let inner = tensor([0]);
  withScope(() => {
    inner = tensor([1, 2]);
  });
  assert.throws(() => inner.dataSync(), /was released/);
});

test('gradients sum over every path (fan-out)', () => {
  const x = tensor([1, 2, 3]);
  x.requiresGrad = true;
  const y = sum(add(mul(x, x), mul(x, 3)));
  const [g] = gradients(y, [x]);
  assert.deepEqual(Array.from(g!.dataSync()), [5, 7, 9]);
});

test('gradients flow through reshape views and broadcasting', () => {
  const w = tensor([[1, 2, 3]]);
  w.requiresGrad = true;
  const x = ones([4, 3]);
  const y = sum(reshape(mul(x, w), [12]));
  const [g] = gradients(y, [w]);
  assert.deepEqual(g!.shape, [1, 3]);
  assert.deepEqual(Array.from(g!.dataSync()), [4, 4, 4]);
});

test('noGrad records nothing; tensors without requiresGrad get null', () => {
  const x = tensor([1, 2]);
  x.requiresGrad = true;
  const y = noGrad(() => mul(x, x));
  assert.equal(y.gradNode, null);
  const z = tensor([3, 4]);
  const [gz] = gradients(sum(mul(x, z)), [z]);
  assert.equal(gz, null);
});

test('backward accumulates into .grad and frees the graph', () => {
  const v = new Variable(tensor([2, -1]));
  const loss = sum(mul(v, v));
  backward(loss);
  assert.deepEqual(Array.from(v.grad!.dataSync()), [4, -2]);
  assert.equal(loss.gradNode, null);
  backward(sum(mul(v, 1)));
  assert.deepEqual(Array.from(v.grad!.dataSync()), [5, -1]);
});

test('Variable.assign swaps values in place and checks the shape', () => {
  const v = new Variable(tensor([1, 2]), 'w');
  v.assign(tensor([7, 8]));
  assert.deepEqual(Array.from(v.dataSync()), [7, 8]);
  assert.throws(() => v.assign(tensor([1, 2, 3])), /Variable w: assign expected \[2\] float32, got \[3\]/);
});

test('memory stays flat over many scoped steps', () => {
  const v = new Variable(tensor([1, 2, 3]));
  const step = () => withScope(() => {
    const [g] = gradients(sum(mul(v, v)), [v]);
    noGrad(() => v.assign(add(v, mul(g!, -0.1))));
  });
  step();
  const before = memory();
  for (let i = 0; i < 50; i++) step();
  const after = memory();
  assert.equal(after.tensors, before.tensors);
  assert.equal(after.handles, before.handles);
  assert.equal(after.bytes, before.bytes);
});
