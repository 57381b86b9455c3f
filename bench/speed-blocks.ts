/**
 * The seed CNN's throughput block by block, the same code in Node and in a browser page
 * (bench/browser-speed.html imports it from dist/): a block is a fixed amount of training or
 * inference, timed alone, so the first blocks after the backend starts can be set against the
 * steady ones (the warm-up) and Node against Chromium.
 */
import { mnistCnn } from '../src/models/mnist-cnn.js';
import { slice } from '../src/ops/shape-ops.js';
import { tensor } from '../src/ops/create.js';
import { toCategorical } from '../src/data/to-categorical.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import type { Sequential } from '../src/models/sequential.js';

export type BlockKind = 'train' | 'infer';

export interface BlockOptions {
  kind: BlockKind;
  blocks: number;
  /** Training: steps of batch 64 per block. Inference: batches of 256 per block. */
  batchesPerBlock?: number;
}

export interface BlockResult {
  kind: BlockKind;
  /** Samples per second of each block, in order. */
  samplesPerSec: number[];
}

export const TRAIN_BATCH = 64;
export const INFER_BATCH = 256;

/** Random images in [0, 1] and one-hot labels: speed does not depend on the values. */
export function speedData(count: number, seed = 1): { x: Tensor; y: Tensor } {
  const rng = new Random(seed);
  const x = tensor(Float32Array.from({ length: count * 784 }, () => rng.uniform()), [count, 28, 28, 1]);
  const labels = tensor(Int32Array.from({ length: count }, () => rng.int(10)), [count], 'int32');
  return { x, y: toCategorical(labels, 10) };
}

/** The seed CNN of the README, compiled as `npm run mnist` compiles it. */
export function speedModel(): Sequential {
  const model = mnistCnn({ seed: 1 });
  model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

/** Runs `blocks` timed blocks of training steps or inference batches; returns samples/s per block. */
export function measureBlocks(model: Sequential, data: { x: Tensor; y: Tensor }, o: BlockOptions): BlockResult {
  const perBlock = o.batchesPerBlock ?? (o.kind === 'train' ? 5 : 4);
  const batch = o.kind === 'train' ? TRAIN_BATCH : INFER_BATCH;
  const count = data.x.shape[0];
  const batches = Math.floor(count / batch);
  if (batches < 1) throw new Error(`measureBlocks: ${count} samples are fewer than one batch of ${batch}`);
  const xs = Array.from({ length: batches }, (_, b) => slice(data.x, [b * batch], [batch]));
  const ys = Array.from({ length: batches }, (_, b) => slice(data.y, [b * batch], [batch]));
  const samplesPerSec: number[] = [];
  let next = 0;
  for (let k = 0; k < o.blocks; k++) {
    const t0 = performance.now();
    for (let s = 0; s < perBlock; s++, next = (next + 1) % batches) {
      if (o.kind === 'train') model.trainOnBatch(xs[next], ys[next]);
      else model.predictOnBatch(xs[next]).dataSync();
    }
    samplesPerSec.push((perBlock * batch) / ((performance.now() - t0) / 1000));
  }
  return { kind: o.kind, samplesPerSec };
}

/** The median of the last `n` values (the steady speed once warm). */
export function steadyOf(values: readonly number[], n = 5): number {
  const tail = [...values.slice(-n)].sort((a, b) => a - b);
  return tail[Math.floor(tail.length / 2)];
}
