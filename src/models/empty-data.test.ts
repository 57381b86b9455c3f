/**
 * Empty data is an error naming the method. The fuzzer's cases, kept as regressions: `evaluate`
 * on empty data threw "Cannot read properties of undefined (reading 'toFixed')" and `fit` on empty
 * arrays printed a warning about iterables and returned an empty history.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomInput, smallCnn } from '../io/io-test-util.js';
import { tensor } from '../ops/create.js';
import { describeOutcome, withinBounds } from '../testing/bounds-test-util.js';

function compiled(): ReturnType<typeof smallCnn> {
  const model = smallCnn(1);
  model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

const noImages = () => tensor(new Float32Array(0), [0, 8, 8, 2]);
const noLabels = () => tensor(new Int32Array(0), [0], 'int32');
const EMPTY = (op: string) => new RegExp(`^${op.replace(/[()]/g, '\\$&')}: the data is empty \\(x has 0 samples, shape \\[0, 8, 8, 2\\]\\); give at least one sample$`);

const cases: [string, (m: ReturnType<typeof smallCnn>) => unknown][] = [
  ['fit', (m) => m.fit(noImages(), noLabels(), { verbose: 0 })],
  ['evaluate', (m) => m.evaluate(noImages(), noLabels(), { verbose: 0 })],
  ['predict', (m) => m.predict(noImages())],
  ['trainOnBatch', (m) => m.trainOnBatch(noImages(), noLabels())],
  ['testOnBatch', (m) => m.testOnBatch(noImages(), noLabels())],
  ['fit (validationData)', (m) => m.fit(randomInput(2, [8, 8, 2], 1), tensor(Int32Array.of(0, 1), [2], 'int32'), { verbose: 0, validationData: [noImages(), noLabels()] })],
];

for (const [op, run] of cases) {
  test(`${op} on empty data is an error naming the method`, async (t) => {
    const model = compiled();
    const before = model.weights.map((w) => Array.from(w.dataSync()));
    const m = await withinBounds(`${op} on empty data`, () => run(model));
    t.diagnostic(describeOutcome(m));
    assert.ok(m.error instanceof Error && EMPTY(op).test(m.error.message), describeOutcome(m));
    assert.deepEqual(model.weights.map((w) => Array.from(w.dataSync())), before);
  });
}

test('fit on an iterator that gives no batch at all is an error, not a warning and an empty history', async (t) => {
  const model = compiled();
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (message: string) => void warnings.push(message);
  try {
    const m = await withinBounds('fit on an empty generator', () => model.fit((function* () {})(), { verbose: 0 }));
    t.diagnostic(describeOutcome(m));
    assert.ok(m.error instanceof Error && m.error.message === 'fit: the data is empty (the iterator gave no batch in the first epoch); give at least one batch of { xs, ys }', describeOutcome(m));
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(warnings, []);
});
