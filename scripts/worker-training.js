// Training inside a Web Worker, with Fovea's public API only: the worker starts the wasm backend
// (whose kernel threads are Web Workers nested in this one), trains with fit and posts progress
// messages; the page (worker-training.html) only shows them, so it never waits on training.
//
// Messages in:  { type: 'train', kernelsUrl, threads, samples, epochs, batchSize }
// Messages out: { type: 'ready', backend, threads }, { type: 'batch', epoch, batch, loss },
//               { type: 'epoch', epoch, loss, accuracy, samplesPerSec },
//               { type: 'done', testLoss, testAccuracy, parallelJobs } or { type: 'error', message }
import { LambdaCallback, Random, engine, getBackend, mnistCnn, ops, toCategorical, useWasmBackendInBrowser } from '/dist/src/index.js';
import { syntheticDigits } from '/scripts/synthetic-digits.js';

/** Posts one progress message per batch and per epoch. */
function progressMessages(samples) {
  let epochStart = 0;
  let epoch = 0;
  return new LambdaCallback({
    onEpochBegin: (e) => { epoch = e; epochStart = performance.now(); },
    onTrainBatchEnd: (batch, logs) => postMessage({ type: 'batch', epoch, batch, loss: logs.loss }),
    onEpochEnd: (e, logs) => {
      const seconds = (performance.now() - epochStart) / 1000;
      postMessage({ type: 'epoch', epoch: e, loss: logs.loss, accuracy: logs.accuracy, samplesPerSec: samples / seconds });
    },
  });
}

async function train({ kernelsUrl, threads = 2, samples = 1920, epochs = 2, batchSize = 64 }) {
  await useWasmBackendInBrowser({ kernelsUrl, threads });
  postMessage({ type: 'ready', backend: getBackend(), threads: engine.backend.threads });
  const rng = new Random(11);
  // One draw of the ten patterns, split into training and test images.
  const digits = syntheticDigits(rng, samples + 512);
  const labels = toCategorical(digits.labels, 10);
  const part = (t, from, count) => ops.slice(t, [from], [count]);
  const trainSet = { images: part(digits.images, 0, samples), labels: part(labels, 0, samples) };
  const testSet = { images: part(digits.images, samples, 512), labels: part(labels, samples, 512) };
  const model = mnistCnn({ seed: 1 });
  model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  await model.fit(trainSet.images, trainSet.labels, { epochs, batchSize, verbose: 0, callbacks: [progressMessages(samples)] });
  const [testLoss, testAccuracy] = await model.evaluateAsync(testSet.images, testSet.labels, { verbose: 0 });
  // Kernels the backend split across its threads: proof the nested Workers ran (an internal counter).
  const parallelJobs = engine.backend.context?.stats?.parallelJobs ?? null;
  postMessage({ type: 'done', testLoss, testAccuracy, parallelJobs });
}

self.onmessage = (e) => {
  if (e.data?.type !== 'train') return;
  train(e.data).catch((err) => postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
};
