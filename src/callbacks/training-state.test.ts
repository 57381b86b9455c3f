/**
 * A training-state file is checked whole before anything changes. The fuzzer's cases, kept as
 * regressions: `learningRate: "abc"` threw only after the weights were overwritten, and
 * `learningRate: ""` silently became 0. Now both end in a ModelFormatError and leave the
 * weights, the optimizer's step count and its learning rate as they were.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bits, randomInput, smallCnn } from '../io/io-test-util.js';
import { ModelFormatError } from '../io/model-format-error.js';
import { tensor } from '../ops/create.js';
import { Adam } from '../optimizers/adam.js';
import { describeOutcome, withinBounds } from '../testing/bounds-test-util.js';
import { encodeTrainingState, restoreTrainingState } from './training-state.js';

/** The state file `bytes` with its safetensors metadata changed by `edit`. */
function editMetadata(bytes: Uint8Array, edit: (meta: Record<string, string>) => void): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  edit(header.__metadata__);
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const encoded = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + encoded.length + bytes.length - 8 - headerLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(encoded.length), true);
  out.set(encoded, 8);
  out.set(bytes.subarray(8 + headerLength), 8 + encoded.length);
  return out;
}

/** A compiled model trained a step, its state saved, then trained further (so a restore would show). */
function trainedModel(): { model: ReturnType<typeof smallCnn>; saved: Uint8Array; savedWeights: number[][] } {
  const model = smallCnn(2);
  model.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'sparse_categorical_crossentropy' });
  const x = randomInput(4, [8, 8, 2], 3);
  const y = tensor(Int32Array.of(0, 1, 2, 0), [4], 'int32');
  model.trainOnBatch(x, y);
  const saved = encodeTrainingState(model, { epoch: 1, batch: 0 });
  const savedWeights = model.weights.map((w) => bits(w.dataSync()));
  model.trainOnBatch(x, y);
  return { model, saved, savedWeights };
}

function snapshot(model: ReturnType<typeof smallCnn>): { weights: number[][]; iterations: number; learningRate: number } {
  const optimizer = model.optimizer as Adam;
  return { weights: model.weights.map((w) => bits(w.dataSync())), iterations: optimizer.iterations, learningRate: optimizer.learningRate };
}

for (const bad of ['abc', '', ' ', 'Infinity', '-0.1', '0x10']) {
  test(`a training state with learningRate ${JSON.stringify(bad)} is refused and changes nothing`, async (t) => {
    const { model, saved } = trainedModel();
    const before = snapshot(model);
    const file = editMetadata(saved, (meta) => (meta.learningRate = bad));
    const m = await withinBounds(`learningRate ${JSON.stringify(bad)}`, () => restoreTrainingState(model, file, 'state.safetensors'));
    t.diagnostic(describeOutcome(m));
    assert.ok(m.error instanceof ModelFormatError && m.error.message === `state.safetensors: metadata 'learningRate' must be a number >= 0, got ${JSON.stringify(bad)}`, describeOutcome(m));
    assert.deepEqual(snapshot(model), before);
  });
}

test('epoch and batch must be plain integers: an empty or padded value is refused, not read as 0', () => {
  const { model, saved } = trainedModel();
  const before = snapshot(model);
  for (const [key, value] of [['epoch', ''], ['batch', ' 3'], ['epoch', '1e3'], ['batch', '-1']]) {
    const file = editMetadata(saved, (meta) => (meta[key] = value));
    assert.throws(() => restoreTrainingState(model, file, 'state.safetensors'), (e: unknown) => e instanceof ModelFormatError && e.message.includes(`metadata '${key}' must be an integer >= 0, got ${JSON.stringify(value)}`));
  }
  assert.deepEqual(snapshot(model), before);
});

test('a valid state (learning rate written as String(number), e.g. 1e-7) restores weights, step count and rate', () => {
  const { model, saved, savedWeights } = trainedModel();
  assert.notDeepEqual(model.weights.map((w) => bits(w.dataSync())), savedWeights);
  const file = editMetadata(saved, (meta) => (meta.learningRate = String(1e-7)));
  const progress = restoreTrainingState(model, file, 'state.safetensors');
  assert.deepEqual(progress, { epoch: 1, batch: 0 });
  const optimizer = model.optimizer as Adam;
  assert.equal(optimizer.learningRate, 1e-7);
  assert.equal(optimizer.iterations, 1);
  assert.deepEqual(model.weights.map((w) => bits(w.dataSync())), savedWeights);
});
