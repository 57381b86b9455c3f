/**
 * loadMnist converts the IDX bytes straight into backend memory (engine.makeTensorWith). These
 * tests pin that to the plain conversion it replaced, on both backends: every pixel is exactly the
 * float32 of byte / 255, every label the byte, in the file's order.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { engine } from '../backend/engine.js';
import { registerWasmBackend } from '../node/wasm/register.js';
import { parseIdx } from './idx.js';
import { defaultMnistDir, loadMnist, MNIST_FILES } from './mnist.js';

registerWasmBackend({ name: 'wasm-1t', threads: 1, priority: 0 });

function idxFile(file: string): { shape: number[]; data: ArrayLike<number> } {
  return parseIdx(readFileSync(join(defaultMnistDir(), file)), file);
}

/** The conversion loadMnist used to do: a float32 array of byte / 255 (first `count` values). */
function expectedPixels(file: string, count: number): Float32Array {
  const { data } = idxFile(file);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = data[i] / 255;
  return out;
}

function firstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>): string {
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) return `value ${i}: ${actual[i]}, expected ${expected[i]}`;
  }
  return '';
}

for (const backend of ['ref', 'wasm-1t']) {
  describe(`loadMnist in place on ${backend}`, () => {
    it('gives every test pixel as byte / 255 and every label as the byte', () => {
      engine.setBackend(backend);
      const m = loadMnist({ limitTrain: 3 });
      assert.equal(m.testImages.backend, engine.backend, 'images live on the active backend');
      assert.equal(firstMismatch(m.testImages.dataSync(), expectedPixels(MNIST_FILES.testImages, 10000 * 784)), '');
      assert.equal(firstMismatch(m.testLabels.dataSync(), Int32Array.from(idxFile(MNIST_FILES.testLabels).data)), '');
    });

    it('cuts the training set to the first images of the file', () => {
      engine.setBackend(backend);
      const m = loadMnist({ limitTrain: 5, limitTest: 2 });
      assert.deepEqual(m.trainImages.shape, [5, 28, 28, 1]);
      assert.equal(firstMismatch(m.trainImages.dataSync(), expectedPixels(MNIST_FILES.trainImages, 5 * 784)), '');
      assert.equal(firstMismatch(m.trainLabels.dataSync(), Int32Array.from(idxFile(MNIST_FILES.trainLabels).data).subarray(0, 5)), '');
      assert.deepEqual(Array.from(m.testLabels.dataSync()), [7, 2]);
    });
  });
}

describe('loadMnist reading files in chunks', () => {
  it('reports a file shorter than its header says, before allocating anything', () => {
    engine.setBackend('ref');
    const dir = mkdtempSync(join(tmpdir(), 'fovea-mnist-chunks-'));
    try {
      const header = (shape: number[]): number[] => [0, 0, 8, shape.length, ...shape.flatMap((d) => [0, 0, (d >> 8) & 255, d & 255])];
      writeFileSync(join(dir, MNIST_FILES.trainImages), Uint8Array.from([...header([2, 2, 2]), 1, 2, 3, 4, 5, 6, 7]));
      writeFileSync(join(dir, MNIST_FILES.trainLabels), Uint8Array.from([...header([2]), 3, 4]));
      const before = engine.memory().handles;
      assert.throws(() => loadMnist({ dir }), /train-images-idx3-ubyte: truncated: expected 24 bytes for shape \[2, 2, 2\] of uint8, got 23/);
      assert.equal(engine.memory().handles, before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
