/**
 * What an unscoped (PyTorch-style) nn step and prediction register with the collector, and the
 * live-tensor count with deferred tensors. Main before nn-lean2 (one thread, per call): seed CNN
 * 9 registrations per training step and 37 per prediction of 1,024 images, LeNet-5 18 and 73:
 * the waiting list (tensor/scope.ts) was flushed whole, every few tensors (a conv's NCHW view of
 * its map counted its 5.5 MB again), registering whatever of the forward was alive then; the
 * loss's per-sample losses, one-hot targets, sum and count waited for the collector; a deferred
 * chain output was registered only so the live count would drop when it was collected, and without
 * a graph the step's own result it took its value from was registered beside it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memory, setBackend } from '../src/backend/engine.js';
import { BENCH_MODELS, benchProgram } from '../src/cli/bench-models.js';
import { toCategorical } from '../src/data/to-categorical.js';
import * as nn from '../src/nn/index.js';
import '../src/node/install-collector.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import { noGrad } from '../src/autograd/grad-mode.js';
import { mul } from '../src/ops/binary.js';
import { tensor } from '../src/ops/create.js';
import { lazily } from '../src/ops/lazy.js';
import { reclaimUnreachable, registrationCount } from '../src/tensor/reclamation.js';
import { Random } from '../src/tensor/random.js';
import { watchUnwatched } from '../src/tensor/scope.js';
import type { Tensor } from '../src/tensor/tensor.js';

registerWasmBackend({ name: 'wasm-registrations', threads: 1, priority: 0 });

function images(n: number, seed: number): Tensor {
  const rng = new Random(seed);
  return tensor(Float32Array.from({ length: n * 28 * 28 }, () => rng.next()), [n, 28, 28, 1]);
}

/** Registrations per call of `run` over `calls` calls, after a warm-up, with the waiting list flushed at both ends. */
function registrationsPerCall(run: () => void, calls: number): number {
  for (let i = 0; i < 3; i++) run();
  watchUnwatched();
  const before = registrationCount();
  for (let i = 0; i < calls; i++) run();
  watchUnwatched();
  return (registrationCount() - before) / calls;
}

describe('an unscoped nn step registers what outlives it, not what backward() or the next ops release', () => {
  // Limits: each program's count on this branch (seed CNN 1 / 17, LeNet-5 1 / 25: the loss, and per
  // batch of 256 the bench's slice and NCHW view, the logits and argmax, LeNet-5's logSoftmax and
  // its value; the concatenation) with a little room.
  for (const [name, stepLimit, predictLimit] of [['mnist-cnn', 2, 20], ['lenet5', 2, 28]] as const) {
    it(`${name}: a training step and a prediction of 1,024 images`, () => {
      setBackend('wasm-registrations');
      const program = benchProgram(BENCH_MODELS[name], 'nn', 1).program;
      const batch = program.prepare(images(64, 1), toCategorical(Int32Array.from({ length: 64 }, (_, i) => i % 10), 10));
      const x = images(1024, 2);
      const perStep = registrationsPerCall(() => program.trainStep(...batch), 10);
      assert.ok(perStep <= stepLimit, `${perStep} registrations per training step`);
      const perPrediction = registrationsPerCall(() => void program.predict(x, 256), 3);
      assert.ok(perPrediction <= predictLimit, `${perPrediction} registrations per prediction`);
    });
  }
});

describe('the live-tensor count with deferred tensors', () => {
  const net = () => new nn.Sequential(new nn.Conv2d(1, 4, 3, { rng: new Random(5) }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(4 * 13 * 13, 10, { rng: new Random(6) }));
  const nchw = (n: number) => tensor(Float32Array.from({ length: n * 28 * 28 }, (_, i) => (i % 7) / 7), [n, 1, 28, 28]);

  it('counts a deferred value while it holds one: not before it is computed, nor once released', () => {
    setBackend('wasm-registrations');
    const x = tensor([1, 2, 3]);
    reclaimUnreachable();
    const start = memory().tensors;
    const y = lazily([3], 'float32', () => mul(x, x));
    assert.equal(memory().tensors, start, 'deferred: no value, not counted');
    const unread = lazily([3], 'float32', () => mul(x, x));
    unread.release();
    assert.equal(memory().tensors, start, 'released unread: never counted');
    assert.deepEqual(Array.from(y.dataSync()), [1, 4, 9]);
    assert.ok(memory().tensors > start, 'computed: counted');
    y.release();
    reclaimUnreachable();
    assert.equal(memory().tensors, start);
  });

  it('returns to where it was after unscoped forwards whose outputs were dropped, read or not', () => {
    setBackend('wasm-registrations');
    const model = net();
    const x = nchw(4);
    (() => {
      for (let i = 0; i < 3; i++) noGrad(() => model.forward(x)).dataSync();
    })();
    reclaimUnreachable();
    const start = memory();
    // In functions of their own: a dead local of this frame could keep the last output reachable.
    (() => {
      for (let i = 0; i < 40; i++) {
        const y = noGrad(() => model.forward(x));
        // Half are read (computed, then collected), half never (a deferred output is neither counted nor registered).
        if (i % 2 === 0) y.dataSync();
      }
    })();
    (() => {
      // Some watched while deferred (the waiting list flushed), then computed: registered once they hold a value.
      const late = Array.from({ length: 3 }, () => lazily([4, 10], 'float32', () => noGrad(() => model.forward(x))));
      watchUnwatched();
      for (const y of late) y.dataSync();
    })();
    reclaimUnreachable();
    assert.equal(memory().tensors, start.tensors);
    assert.equal(memory().bytes, start.bytes);
    assert.equal(memory().handles, start.handles);
  });

  it('a training loop leaves the count flat', () => {
    setBackend('wasm-registrations');
    const model = net();
    const opt = new nn.optim.SGD(model.parameters(), { lr: 0.01 });
    const x = nchw(4);
    const t = tensor(Int32Array.from([1, 2, 3, 4]), [4], 'int32');
    const step = () => {
      opt.zeroGrad();
      nn.F.crossEntropy(model.forward(x), t).backward();
      opt.step();
    };
    for (let i = 0; i < 3; i++) step();
    reclaimUnreachable();
    const start = memory();
    for (let i = 0; i < 20; i++) step();
    reclaimUnreachable();
    assert.equal(memory().tensors, start.tensors);
    assert.equal(memory().bytes, start.bytes);
  });
});
