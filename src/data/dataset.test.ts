import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../backend/engine.js';
import { tensor } from '../ops/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { Dataset } from './dataset.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());
const numbers = (n: number) => Dataset.fromTensors(tensor(Float32Array.from({ length: n }, (_, i) => i), [n]));
async function scalars(d: Dataset<Tensor>): Promise<number[]> {
  return (await d.toArray()).map((t) => t.item());
}

test('fromTensors cuts a tensor, a tuple and a record along axis 0', async () => {
  const x = tensor([[1, 2], [3, 4], [5, 6]]);
  const y = tensor(Int32Array.from([7, 8, 9]), [3], 'int32');
  const single = await Dataset.fromTensors(x).toArray();
  assert.deepEqual(single.map((t) => [t.shape, values(t)]), [[[2], [1, 2]], [[2], [3, 4]], [[2], [5, 6]]]);
  const pairs = await Dataset.fromTensors([x, y]).toArray();
  assert.deepEqual(pairs.map(([a, b]) => [values(a), b.item(), b.dtype]), [[[1, 2], 7, 'int32'], [[3, 4], 8, 'int32'], [[5, 6], 9, 'int32']]);
  const records = await Dataset.fromTensors({ image: x, label: [0, 1, 2] }).toArray();
  assert.deepEqual(records.map((r) => [values(r.image), r.label.item()]), [[[1, 2], 0], [[3, 4], 1], [[5, 6], 2]]);
  assert.equal(Dataset.fromTensors([x, y]).cardinality(), 3);
});

test('fromTensors refuses parts of different lengths, naming both', () => {
  assert.throws(() => Dataset.fromTensors({ x: tensor([[1], [2], [3]]), y: [0, 1] }), /data\.y has 2 samples along axis 0 but data\.x has 3/);
  assert.throws(() => Dataset.fromTensors(tensor(5)), /scalar/);
});

test('batch stacks along a new axis; the remainder is kept or dropped', async () => {
  const x = tensor(Float32Array.from({ length: 10 }, (_, i) => i), [5, 2]);
  const batches = await Dataset.fromTensors([x, [0, 1, 2, 3, 4]]).batch(2).toArray();
  assert.deepEqual(batches.map(([a, b]) => [a.shape, values(a), values(b)]), [
    [[2, 2], [0, 1, 2, 3], [0, 1]],
    [[2, 2], [4, 5, 6, 7], [2, 3]],
    [[1, 2], [8, 9], [4]],
  ]);
  const dropped = Dataset.fromTensors(x).batch(2, { dropRemainder: true });
  assert.equal(dropped.cardinality(), 2);
  assert.deepEqual((await dropped.toArray()).map((t) => t.shape), [[2, 2], [2, 2]]);
  assert.equal(Dataset.fromTensors(x).batch(2).cardinality(), 3);
});

test('batch of numbers and of plain arrays; elements of different shapes are refused by index', async () => {
  const [b] = await Dataset.fromArray([{ x: [1, 2], y: 3 }, { x: [4, 5], y: 6 }]).batch(2).toArray();
  assert.deepEqual([b.x.shape, values(b.x), values(b.y)], [[2, 2], [1, 2, 4, 5], [3, 6]]);
  const ragged = Dataset.fromArray([tensor([1, 2]), tensor([1, 2]), tensor([1, 2, 3])]).batch(3);
  await assert.rejects(ragged.toArray(), /Dataset\.batch: element 2 has shape \[3\] float32, element 0 \[2\] float32/);
});

test('unbatch undoes batch', async () => {
  const x = tensor(Float32Array.from({ length: 10 }, (_, i) => i), [5, 2]);
  const back = await Dataset.fromTensors(x).batch(2).unbatch().toArray();
  assert.deepEqual(back.map(values), [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]);
});

test('repeat, take and skip', async () => {
  assert.deepEqual(await scalars(numbers(3).repeat(2)), [0, 1, 2, 0, 1, 2]);
  assert.equal(numbers(3).repeat(2).cardinality(), 6);
  assert.equal(numbers(3).repeat().cardinality(), Dataset.INFINITE);
  assert.deepEqual(await scalars(numbers(3).repeat().take(7)), [0, 1, 2, 0, 1, 2, 0]);
  assert.equal(numbers(3).repeat().take(7).cardinality(), 7);
  assert.deepEqual(await scalars(numbers(5).skip(3)), [3, 4]);
  assert.deepEqual(await scalars(numbers(5).take(2)), [0, 1]);
  assert.deepEqual(await scalars(numbers(5).skip(1).take(3)), [1, 2, 3]);
  assert.deepEqual(await scalars(numbers(5).take(0)), []);
  assert.equal(numbers(5).skip(9).cardinality(), 0);
  await assert.rejects(numbers(3).repeat().toArray(), /infinite/);
  assert.throws(() => numbers(3).take(-1), /take: count must be a non-negative integer, got -1/);
});

test('batch remainder after repeat: 5 elements x 2 in batches of 4 are 4, 4, 2', async () => {
  const sizes = (await numbers(5).repeat(2).batch(4).toArray()).map((t) => t.shape[0]);
  assert.deepEqual(sizes, [4, 4, 2]);
});

test('shuffle with a seed is deterministic, a permutation, reshuffled on each pass', async () => {
  const a = numbers(20).shuffle(20, { seed: 7 });
  const b = numbers(20).shuffle(20, { seed: 7 });
  const [a1, a2, b1, b2] = [await scalars(a), await scalars(a), await scalars(b), await scalars(b)];
  assert.deepEqual(a1, b1);
  assert.deepEqual(a2, b2);
  assert.notDeepEqual(a1, a2);
  assert.notDeepEqual(a1, Array.from({ length: 20 }, (_, i) => i));
  assert.deepEqual([...a1].sort((p, q) => p - q), Array.from({ length: 20 }, (_, i) => i));
  assert.notDeepEqual(await scalars(numbers(20).shuffle(20, { seed: 8 })), a1);
  const fixed = numbers(20).shuffle(20, { seed: 7, reshuffleEachIteration: false });
  assert.deepEqual(await scalars(fixed), await scalars(fixed));
});

test('shuffle buffer: size 1 keeps the order; size 2 moves an element at most one place ahead of its turn', async () => {
  assert.deepEqual(await scalars(numbers(6).shuffle(1, { seed: 3 })), [0, 1, 2, 3, 4, 5]);
  // With a buffer of 2, the k-th output is chosen among elements <= k + 1.
  const out = await scalars(numbers(30).shuffle(2, { seed: 3 }));
  out.forEach((v, k) => assert.ok(v <= k + 1, `output ${k} is ${v}`));
});

test('fromGenerator calls the function again for each pass (sync and async generators)', async () => {
  let calls = 0;
  const d = Dataset.fromGenerator(function* () {
    calls++;
    yield 1;
    yield 2;
  });
  assert.equal(d.cardinality(), Dataset.UNKNOWN);
  assert.deepEqual(await d.toArray(), [1, 2]);
  assert.deepEqual(await d.toArray(), [1, 2]);
  assert.equal(calls, 2);
  const slow = Dataset.fromGenerator(async function* () {
    yield 'a';
    await new Promise((r) => setTimeout(r, 1));
    yield 'b';
  });
  assert.deepEqual(await slow.toArray(), ['a', 'b']);
  assert.throws(() => Dataset.fromGenerator([1, 2] as unknown as () => Iterable<number>), /expected a function/);
});

test('map (sync, async, parallel calls keep the order) and filter', async () => {
  assert.deepEqual(await Dataset.fromArray([1, 2, 3]).map((v) => v * 10).toArray(), [10, 20, 30]);
  let inFlight = 0;
  let most = 0;
  const slowDouble = async (v: number) => {
    most = Math.max(most, ++inFlight);
    await new Promise((r) => setTimeout(r, 5 - v));
    inFlight--;
    return v * 2;
  };
  assert.deepEqual(await Dataset.fromArray([1, 2, 3, 4]).map(slowDouble, { numParallelCalls: 3 }).toArray(), [2, 4, 6, 8]);
  assert.equal(most, 3);
  assert.deepEqual(await Dataset.fromArray([1, 2, 3, 4]).filter((v) => v % 2 === 0).toArray(), [2, 4]);
  await assert.rejects(Dataset.fromArray([1, 2]).map((v) => {
    if (v === 2) throw new Error('bad element 2');
    return v;
  }, { numParallelCalls: 2 }).toArray(), /bad element 2/);
});

test('cache replays the first complete pass without running the upstream again', async () => {
  let runs = 0;
  const d = Dataset.fromArray([1, 2, 3]).map((v) => {
    runs++;
    return v;
  }).cache();
  const first = await d.take(2).toArray();
  assert.deepEqual(first, [1, 2]);
  assert.equal(runs, 2, 'a pass stopped early caches nothing');
  assert.deepEqual(await d.toArray(), [1, 2, 3]);
  assert.deepEqual(await d.toArray(), [1, 2, 3]);
  assert.equal(runs, 5);
  assert.throws(() => numbers(2).repeat().cache(), /infinite/);
});

test('prefetch runs the upstream ahead of the consumer and gives the same elements', async () => {
  const pulled: number[] = [];
  const d = Dataset.fromArray([1, 2, 3, 4, 5]).map(async (v) => {
    pulled.push(v);
    return v;
  }).prefetch(2);
  const it = d[Symbol.asyncIterator]();
  assert.deepEqual(await it.next(), { value: 1, done: false });
  await new Promise((r) => setTimeout(r, 5));
  assert.ok(pulled.length >= 3, `pulled ${pulled.length} elements ahead`);
  assert.deepEqual(await d.toArray(), [1, 2, 3, 4, 5]);
});

test('elements handed over: kept by stages that pass elements through and keep none, dropped by every other', () => {
  const source = Dataset.fromArray([1, 2, 3, 4]);
  assert.equal(source.elementsHandedOver, false);
  const owned = source.handingOverElements();
  assert.equal(owned.elementsHandedOver, true);
  for (const kept of [owned.take(2), owned.skip(1), owned.prefetch(2), owned.assertCardinality(4)]) assert.equal(kept.elementsHandedOver, true);
  // cache keeps the elements; map, batch, shuffle, filter, repeat may give the consumer what something else still holds.
  const dropped = [owned.cache(), owned.map((v) => v), owned.batch(2), owned.shuffle(2, { seed: 1 }), owned.filter(() => true), owned.repeat(2)];
  for (const d of dropped) assert.equal(d.elementsHandedOver, false);
});
