/**
 * The memory soak, short (bench/soak.ts runs it for 10,000 steps): every way of writing a loop,
 * with no dispose anywhere, keeps live tensors and backend bytes flat after warm-up on the
 * default backend (wasm in Node). Before reclamation under pressure, the plain op loop grew by
 * its whole 1.2 GB of temporaries and the LeNet-5 loop (yielding every 50 steps) by ~1 GB.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import '../src/node.js';
import { getBackend } from '../src/backend/engine.js';
import { loadMnist } from '../src/data/mnist.js';
import { notFlat, runSoak, type SoakData, type SoakStyle } from '../bench/soak-loops.js';

const mnist = loadMnist({ limitTrain: 6400, limitTest: 1000 });
const data: SoakData = { images: mnist.trainImages, labels: mnist.trainLabels, testImages: mnist.testImages, testLabels: mnist.testLabels };

const cases: [SoakStyle, number][] = [['ops', 400], ['fit', 120], ['nn', 120], ['fit-evaluate-predict', 120], ['lenet', 300]];

describe(`memory soak, short (${getBackend()} backend)`, () => {
  for (const [style, steps] of cases) {
    it(`${style}: ${steps} steps in flat memory`, async () => {
      const result = await runSoak(style, data, steps);
      assert.equal(notFlat(result.samples), null, style);
      if (result.accuracy !== undefined) assert.ok(result.accuracy > 0.9, `${style}: test accuracy ${result.accuracy}`);
    });
  }
});
