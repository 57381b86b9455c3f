/**
 * Labels outside the classes are refused. The fuzzer's case, kept as a regression: `loadMnist`
 * accepted label files with values above 9.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { engine } from '../backend/engine.js';
import { createRefBackend } from '../backend/ref/ref-backend.js';
import { describeOutcome, withinBounds } from '../testing/bounds-test-util.js';
import { checkClassLabels } from './class-labels.js';
import { loadMnist, MNIST_FILES } from './mnist.js';

if (!engine.backendNames().includes('ref')) engine.registerBackend('ref', createRefBackend, 1);

/** A uint8 IDX file of `values` with `shape`. */
function writeIdx(path: string, shape: number[], values: number[]): void {
  const header = [0, 0, 8, shape.length];
  for (const d of shape) header.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  writeFileSync(path, Uint8Array.from([...header, ...values]));
}

test('loadMnist refuses a label file with a label above 9, naming the file, the index and the value', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fovea-labels-'));
  try {
    writeIdx(join(dir, MNIST_FILES.trainImages), [3, 2, 2], new Array(12).fill(0));
    writeIdx(join(dir, MNIST_FILES.trainLabels), [3], [1, 9, 0]);
    writeIdx(join(dir, MNIST_FILES.testImages), [2, 2, 2], new Array(8).fill(0));
    writeIdx(join(dir, MNIST_FILES.testLabels), [2], [3, 12]);
    const m = await withinBounds('label 12', () => loadMnist({ dir }));
    t.diagnostic(describeOutcome(m));
    const expected = `loadMnist: ${join(dir, MNIST_FILES.testLabels)}: label #1 is 12, outside the 10 classes 0-9`;
    assert.ok(m.error instanceof Error && m.error.message === expected, describeOutcome(m));
    // With more classes declared, the same files load.
    const loaded = loadMnist({ dir, numClasses: 13 });
    assert.deepEqual(Array.from(loaded.testLabels.dataSync()), [3, 12]);
    assert.deepEqual(Array.from(loaded.trainLabels.dataSync()), [1, 9, 0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('checkClassLabels accepts 0..numClasses-1 and names the first label outside', () => {
  checkClassLabels(Uint8Array.of(0, 9, 5), 10, 'labels');
  assert.throws(() => checkClassLabels(Int32Array.of(0, -1), 10, 'labels'), /^Error: labels: label #1 is -1, outside the 10 classes 0-9$/);
  assert.throws(() => checkClassLabels([0, 1.5], 2, 'y'), /y: label #1 is 1.5, outside the 2 classes 0-1/);
  assert.throws(() => checkClassLabels([0], 0, 'y'), /y: numClasses must be a positive integer, got 0/);
});
