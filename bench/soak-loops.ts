/**
 * The memory soak's loops: the ways users write training and inference, none of which frees a
 * tensor by hand. Each loop calls `sample(step)` at its start, middle and end (and the caller may
 * ask for more points); `bench/soak.ts` runs them long, test/memory-soak.test.ts short.
 */
import { LambdaCallback } from '../src/callbacks/lambda-callback.js';
import { memory } from '../src/backend/engine.js';
import { noGrad } from '../src/autograd/grad-mode.js';
import { add } from '../src/ops/binary.js';
import { slice } from '../src/ops/shape-ops.js';
import { ones, tensor } from '../src/ops/create.js';
import { mnistCnn } from '../src/models/mnist-cnn.js';
import { toCategorical } from '../src/data/to-categorical.js';
import * as nn from '../src/nn/index.js';
import { DataLoader } from '../src/nn/data-loader.js';
import * as F from '../src/nn/functional.js';
import { lenet5 } from '../src/zoo/lenet5.js';
import type { Tensor } from '../src/tensor/tensor.js';
import '../src/nn/tensor-methods.js';

export interface MemorySample {
  step: number;
  tensors: number;
  backendMB: number;
  rssMB: number;
}

export interface SoakData {
  /** [N, 28, 28, 1] images in [0, 1] and their int32 labels. */
  images: Tensor;
  labels: Tensor;
  testImages: Tensor;
  testLabels: Tensor;
}

export interface SoakResult {
  samples: MemorySample[];
  /** Test accuracy, for loops that train to it. */
  accuracy?: number;
}

export type SoakStyle = 'fit' | 'nn' | 'fit-evaluate-predict' | 'ops' | 'lenet';
export const SOAK_STYLES: SoakStyle[] = ['fit', 'nn', 'fit-evaluate-predict', 'ops', 'lenet'];

/** Records memory at the steps in `at` (a set of step numbers). */
export function memorySampler(at: Set<number>, samples: MemorySample[]): (step: number) => void {
  return (step) => {
    if (!at.has(step)) return;
    const m = memory();
    samples.push({ step, tensors: m.tensors, backendMB: m.bytes / 2 ** 20, rssMB: residentBytes() / 2 ** 20 });
  };
}

/** The process's resident set in Node; NaN in a browser, which does not say. */
function residentBytes(): number {
  return typeof process === 'undefined' ? NaN : process.memoryUsage().rss;
}

/**
 * What is not flat about a soak's samples, or null. Flat: after the first quarter (warm-up:
 * weights, optimizer state, the heap's working set), backend bytes never exceed twice the warm-up
 * level plus 64 MB (the heap keeps up to its live size as room for garbage between reclaims), and
 * live tensors twice its count plus 100 (tensors awaiting collection).
 *
 * `collector: 'engine'` (browsers) is for a run whose engine alone decides when to collect, so a
 * sample may catch several steps of garbage, or none: a leak is then a level that every later
 * sample stays above (their minimum), and the peak must stay bounded (four times the warm-up level).
 */
export function notFlat(samples: readonly MemorySample[], collector: 'driven' | 'engine' = 'driven'): string | null {
  const [, warm, ...later] = samples;
  if (warm === undefined || later.length === 0) return `too few samples (${samples.length})`;
  const table = samples.map((s) => `step ${s.step}: ${s.tensors} tensors, ${s.backendMB.toFixed(1)} MB`).join('; ');
  const level = (values: number[]) => (collector === 'driven' ? Math.max(...values) : Math.min(...values));
  if (level(later.map((s) => s.backendMB)) > 2 * warm.backendMB + 64) return `backend memory grew (${table})`;
  if (level(later.map((s) => s.tensors)) > 2 * warm.tensors + 100) return `live tensors grew (${table})`;
  if (collector === 'engine' && later.some((s) => s.backendMB > 4 * warm.backendMB + 64)) return `backend memory peaked too high (${table})`;
  return null;
}

/** Start, quarter, middle, three quarters and end of `steps`. */
export function samplePoints(steps: number): Set<number> {
  return new Set([0, 1, 2, 3, 4].map((k) => Math.min(steps - 1, Math.round(((steps - 1) * k) / 4))));
}

const yieldTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const BATCH = 64;

/** Keras `fit` on the seed CNN: `steps` batches of 64 (as many epochs as that takes). */
async function fitLoop(data: SoakData, steps: number, sample: (s: number) => void): Promise<SoakResult> {
  const model = mnistCnn({ seed: 1 });
  model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  const perEpoch = Math.min(steps, Math.floor(data.images.shape[0] / BATCH));
  const x = slice(data.images, [0, 0, 0, 0], [perEpoch * BATCH, 28, 28, 1]);
  const y = toCategorical(slice(data.labels, [0], [perEpoch * BATCH]), 10);
  let step = 0;
  const callback = new LambdaCallback({ onTrainBatchEnd: () => sample(step++) });
  await model.fit(x, y, { epochs: Math.ceil(steps / perEpoch), batchSize: BATCH, verbose: 0, callbacks: [callback] });
  return { samples: [] };
}

/** The seed CNN as an nn.Module, NCHW. */
class SeedCnn extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3);
  conv2 = new nn.Conv2d(32, 64, 3);
  conv3 = new nn.Conv2d(64, 64, 3);
  fc1 = new nn.Linear(3 * 3 * 64, 64);
  fc2 = new nn.Linear(64, 10);

  forward(x: Tensor): Tensor {
    x = F.maxPool2d(F.relu(this.conv1.forward(x)), 2);
    x = F.maxPool2d(F.relu(this.conv2.forward(x)), 2);
    x = F.relu(this.conv3.forward(x));
    x = F.relu(this.fc1.forward(x.view(-1, 3 * 3 * 64)));
    return this.fc2.forward(x);
  }
}

/** A PyTorch-style `for await` loop over a DataLoader with zeroGrad/backward/step. */
async function nnLoop(data: SoakData, steps: number, sample: (s: number) => void): Promise<SoakResult> {
  nn.manualSeed(1);
  const model = new SeedCnn();
  const optimizer = new nn.optim.RMSprop(model.parameters(), { lr: 1e-3 });
  const nchw = data.images.reshape(-1, 1, 28, 28);
  const loader = new DataLoader(nchw, data.labels, { batchSize: BATCH, shuffle: true, seed: 1 });
  let step = 0;
  while (step < steps) {
    for await (const [x, y] of loader) {
      optimizer.zeroGrad();
      const loss = F.crossEntropy(model.forward(x), y);
      loss.backward();
      optimizer.step();
      sample(step);
      if (++step === steps) break;
    }
  }
  return { samples: [] };
}

/** Repeated short fit + evaluate + predict calls on one model, ten training steps each. */
async function fitEvaluatePredictLoop(data: SoakData, steps: number, sample: (s: number) => void): Promise<SoakResult> {
  const model = mnistCnn({ seed: 1 });
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const x = slice(data.images, [0, 0, 0, 0], [10 * BATCH, 28, 28, 1]);
  const y = slice(data.labels, [0], [10 * BATCH]);
  for (let step = 0; step < steps; step += 10) {
    await model.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0 });
    model.evaluate(x, y, { batchSize: 256, verbose: 0 });
    model.predict(x, { batchSize: 256 });
    for (let s = step; s < Math.min(steps, step + 10); s++) sample(s);
  }
  return { samples: [] };
}

/** A plain synchronous op loop that never yields: y = x + x on [1000, 28, 28, 1]. */
async function opsLoop(_data: SoakData, steps: number, sample: (s: number) => void): Promise<SoakResult> {
  const x = ones([1000, 28, 28, 1]);
  let y: Tensor = x;
  for (let step = 0; step < steps; step++) {
    y = add(x, x);
    sample(step);
  }
  if (y.shape[0] !== 1000) throw new Error('unreachable');
  return { samples: [] };
}

/**
 * The lecture's LeNet-5 as PyTorch users write it: a plain `for` over batches, SGD with momentum,
 * yielding to the event loop only every 50 steps; then its test accuracy.
 */
async function lenetLoop(data: SoakData, steps: number, sample: (s: number) => void): Promise<SoakResult> {
  const model = lenet5({ seed: 1 });
  const optimizer = new nn.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const images = data.images.dataSync();
  const labels = data.labels.dataSync();
  const perEpoch = Math.floor(data.images.shape[0] / BATCH);
  for (let step = 0; step < steps; step++) {
    const b = step % perEpoch;
    const x = tensor(images.slice(b * BATCH * 784, (b + 1) * BATCH * 784), [BATCH, 1, 28, 28]);
    const y = tensor(Int32Array.from(labels.slice(b * BATCH, (b + 1) * BATCH)), [BATCH], 'int32');
    optimizer.zeroGrad();
    const loss = F.nllLoss(model.forward(x), y);
    loss.backward();
    optimizer.step();
    sample(step);
    if (step % 50 === 49) await yieldTurn();
  }
  return { samples: [], accuracy: lenetAccuracy(model, data) };
}

function lenetAccuracy(model: ReturnType<typeof lenet5>, data: SoakData): number {
  const n = data.testImages.shape[0];
  const truth = data.testLabels.dataSync();
  let correct = 0;
  for (let start = 0; start < n; start += 500) {
    const size = Math.min(500, n - start);
    const x = slice(data.testImages, [start, 0, 0, 0], [size, 28, 28, 1]).reshape(size, 1, 28, 28);
    const predicted = noGrad(() => model.forward(x).argmax(1)).dataSync();
    for (let i = 0; i < size; i++) if (predicted[i] === truth[start + i]) correct++;
  }
  return correct / n;
}

const LOOPS: Record<SoakStyle, (data: SoakData, steps: number, sample: (s: number) => void) => Promise<SoakResult>> = {
  fit: fitLoop,
  nn: nnLoop,
  'fit-evaluate-predict': fitEvaluatePredictLoop,
  ops: opsLoop,
  lenet: lenetLoop,
};

/** Runs one style for `steps` steps, sampling memory at `at` (default: start to end in quarters). */
export async function runSoak(style: SoakStyle, data: SoakData, steps: number, at = samplePoints(steps)): Promise<SoakResult> {
  const samples: MemorySample[] = [];
  const result = await LOOPS[style](data, steps, memorySampler(at, samples));
  return { ...result, samples };
}
