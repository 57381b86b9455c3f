/**
 * warmUpBackend: brings the active backend to full speed before the user's first epoch.
 *
 * Why (headless Chromium 156, 2 threads): the first block of work after `useWasmBackendInBrowser`
 * ran at about 55% of the steady speed. What is cold then, as measured on this project's machine:
 * - the pool's Web Workers are still starting (they load a module script and instantiate the
 *   kernels): 23-143 ms after the setup resolved; kernels do not wait for them, so until then the
 *   main thread computes every chunk alone;
 * - every kernel's first call: the browser compiles wasm functions lazily (V8's Liftoff) and swaps
 *   in optimized code (TurboFan) once a function runs hot; the heap grows to the model's size. The
 *   first seed-CNN round (a training step at batch 64 and an inference batch of 256) took 150-215 ms
 *   against ~30 ms for later rounds (63-150 ms with Chromium's eager-TurboFan flags).
 * So the warm-up waits for the workers, then trains and infers the seed CNN at those batch sizes
 * (the same kernels, thread splits and workspaces as a real epoch) until the rounds stop getting
 * faster, within a time budget (1 s). It yields between rounds, so a page keeps painting.
 */
import { engine } from '../backend/engine.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { Flatten } from '../layers/flatten.js';
import { MaxPooling2D } from '../layers/max-pooling2d.js';
import { tensor } from '../ops/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { nextMacrotask } from './event-loop-yield.js';
import { Sequential } from './sequential.js';

export interface WarmUpOptions {
  /** Most time the rounds may take, in ms (default 1,000); waiting for the workers is apart. */
  budgetMs?: number;
  /** Most time to wait for the worker threads to start, in ms (default 5,000). */
  workersTimeoutMs?: number;
}

export interface WarmUpReport {
  /** Total time, waiting for the workers included (ms). */
  ms: number;
  /** Time waiting for the worker threads to start (ms). */
  workersMs: number;
  /** Time of each warm-up round (one training step at batch 64 and one inference batch of 256), ms. */
  roundMs: number[];
  /** Whether the rounds stopped getting faster before the budget ran out. */
  converged: boolean;
}

/** Rounds within this factor of the fastest one count as warm. */
const WARM_WITHIN = 1.15;
/** This many warm rounds in a row end the warm-up. */
const WARM_ROUNDS = 3;
/** Fewer rounds than this never count as warm: the browser tiers functions up over the first ones. */
const MIN_ROUNDS = 6;

/** The seed CNN with fixed names: the user's first layers keep their Keras names ('conv2d', ...). */
function warmUpModel(): Sequential {
  const name = (n: string) => ({ name: `fovea_warm_up_${n}` });
  const model = new Sequential({
    seed: 1,
    name: 'fovea_warm_up',
    layers: [
      new Conv2D(32, 3, { activation: 'relu', inputShape: [28, 28, 1], ...name('conv1') }),
      new MaxPooling2D([2, 2], name('pool1')),
      new Conv2D(64, 3, { activation: 'relu', ...name('conv2') }),
      new MaxPooling2D([2, 2], name('pool2')),
      new Conv2D(64, 3, { activation: 'relu', ...name('conv3') }),
      new Flatten(name('flatten')),
      new Dense(64, { activation: 'relu', ...name('dense1') }),
      new Dense(10, { activation: 'softmax', ...name('dense2') }),
    ],
  });
  model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy' });
  return model;
}

/** Deterministic images in [0, 1] (no Random: the warm-up draws nothing from any generator). */
function images(count: number): Tensor {
  const values = new Float32Array(count * 784);
  for (let i = 0; i < values.length; i++) values[i] = ((i * 2654435761) >>> 0) / 2 ** 32;
  return tensor(values, [count, 28, 28, 1]);
}

function oneHot(count: number): Tensor {
  const values = new Float32Array(count * 10);
  for (let n = 0; n < count; n++) values[n * 10 + (n % 10)] = 1;
  return tensor(values, [count, 10]);
}

/** Whether the last WARM_ROUNDS rounds are all within WARM_WITHIN of the fastest round. */
function converged(roundMs: readonly number[]): boolean {
  if (roundMs.length < Math.max(MIN_ROUNDS, WARM_ROUNDS)) return false;
  const best = Math.min(...roundMs);
  return roundMs.slice(-WARM_ROUNDS).every((ms) => ms <= best * WARM_WITHIN);
}

/** Resolves when the backend's worker threads run, or after `timeoutMs` (kernels work meanwhile). */
async function workersReady(timeoutMs: number): Promise<void> {
  const backend = engine.backend as { ready?: () => Promise<void> };
  if (typeof backend.ready !== 'function') return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  await Promise.race([backend.ready(), timeout]);
  clearTimeout(timer);
}

/**
 * Waits for the active backend's worker threads, then runs seed-CNN training steps and inference
 * batches until they stop getting faster (or `budgetMs` runs out). `useWasmBackendInBrowser`
 * awaits it, so the first epoch a page starts runs at full speed; call it yourself after
 * `setBackend` elsewhere. Changes no user-visible state: no layer-name counter, no generator.
 */
export async function warmUpBackend(options: WarmUpOptions = {}): Promise<WarmUpReport> {
  const budgetMs = options.budgetMs ?? 1000;
  const t0 = performance.now();
  await workersReady(options.workersTimeoutMs ?? 5000);
  const workersMs = performance.now() - t0;
  const model = warmUpModel();
  const train = { x: images(64), y: oneHot(64) };
  const infer = images(256);
  const roundMs: number[] = [];
  const start = performance.now();
  while (!converged(roundMs) && performance.now() - start < budgetMs) {
    const r0 = performance.now();
    model.trainOnBatch(train.x, train.y);
    model.predictOnBatch(infer).dataSync();
    roundMs.push(performance.now() - r0);
    // Lets the page paint and the browser reclaim the round's tensors.
    await nextMacrotask();
  }
  return { ms: performance.now() - t0, workersMs, roundMs, converged: converged(roundMs) };
}
