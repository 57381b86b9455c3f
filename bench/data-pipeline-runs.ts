/**
 * The timed runs of bench/data-pipeline.ts: the generated folder, the pipeline alone, and one
 * training epoch from the folder or from the same images in memory.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataset } from '../src/data/dataset.js';
import { RandomFlip } from '../src/layers/preprocessing/random-flip.js';
import { RandomTranslation } from '../src/layers/preprocessing/random-translation.js';
import type { Sequential } from '../src/models/sequential.js';
import { imageDatasetFromDirectory } from '../src/node/data/image-dataset.js';
import { writeShapesFolder } from '../src/node/data/shapes-folder-test-util.js';
import { tensor } from '../src/ops/create.js';
import { Adam } from '../src/optimizers/adam.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { cifarVgg } from '../src/zoo/cifar-vgg.js';
import { smallCnn } from '../src/zoo/small-cnn.js';

export type BenchModelName = 'cifar-vgg' | 'small-cnn';

export interface BenchFolder {
  dir: string;
  files: number;
  side: number;
}

const BATCH = 64;

/** The folder of `files` generated images (three classes of shapes), made once and then reused. */
export function benchFolder(files: number, side: number, kinds: 'png' | 'mixed'): BenchFolder {
  // 'shapes' is the mixed folder's name since session 6, so folders made then are reused.
  const dir = join(tmpdir(), `fovea-bench-${kinds === 'png' ? 'png' : 'shapes'}-${files}-${side}`);
  if (!existsSync(join(dir, 'triangle'))) {
    const t0 = performance.now();
    writeShapesFolder(dir, { perClass: Math.ceil(files / 3), seed: 1, minSide: side, maxSide: side, kinds: kinds === 'png' ? ['png-rgb'] : ['png-rgb', 'jpeg'] });
    console.log(`generated ${dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return { dir, files: 3 * Math.ceil(files / 3), side };
}

function load(f: BenchFolder, workers: number): Dataset<[Tensor, Tensor]> {
  return imageDatasetFromDirectory(f.dir, { imageSize: [f.side, f.side], batchSize: BATCH, seed: 1, workers, verbose: false });
}

/** Images/s of the pipeline: the best of two passes (the first also compiles and warms the page cache). */
export async function pipelineRate(f: BenchFolder, workers: number, augment: boolean): Promise<number> {
  return Math.max(await onePipelinePass(f, workers, augment), await onePipelinePass(f, workers, augment));
}

/** Images/s of one pass of the pipeline; with `augment`, a random flip and translation per batch. */
async function onePipelinePass(f: BenchFolder, workers: number, augment: boolean): Promise<number> {
  let data: Dataset<unknown> = load(f, workers);
  if (augment) {
    const flip = new RandomFlip('horizontal', { seed: 1 });
    const shift = new RandomTranslation(0.1, 0.1, { seed: 2 });
    data = (data as Dataset<[Tensor, Tensor]>).map(([x, y]) => [shift.apply(flip.apply(x, { training: true }), { training: true }), y]);
  }
  const t0 = performance.now();
  let images = 0;
  for await (const e of data) images += (e as [Tensor, Tensor])[0].shape[0];
  return images / ((performance.now() - t0) / 1000);
}

/** A fresh compiled model, run for one step (warm-up: weights built, kernels loaded). */
async function freshModel(name: BenchModelName, side: number, warm: Dataset<unknown>): Promise<Sequential> {
  const model = name === 'cifar-vgg' ? cifarVgg({ seed: 1 }) : smallCnn([side, side, 3], 3, { seed: 1 });
  model.compile({ optimizer: name === 'cifar-vgg' ? new Adam({ learningRate: 1e-3 }) : 'adam', loss: 'sparse_categorical_crossentropy' });
  await model.fit(warm.take(1), { verbose: 0 });
  return model;
}

/** Samples/s of `epochs` epochs (default one) from the folder, decoding on `workers` threads (0: the main thread). */
export async function epochFromFolder(f: BenchFolder, name: BenchModelName, workers: number, epochs = 1): Promise<number> {
  const data = load(f, workers);
  const model = await freshModel(name, f.side, data);
  const t0 = performance.now();
  await model.fit(data, { epochs, verbose: 0 });
  return (epochs * f.files) / ((performance.now() - t0) / 1000);
}

/** Samples/s of one epoch from in-memory tensors (fit's array path: shuffled batches of 64). */
export async function epochFromMemory(x: Tensor, y: Tensor, name: BenchModelName): Promise<number> {
  const model = await freshModel(name, x.shape[1], Dataset.fromTensors([x, y]).batch(BATCH));
  const t0 = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0 });
  return x.shape[0] / ((performance.now() - t0) / 1000);
}

/** The folder's images and labels as two tensors (one pass, decoded on the main thread). */
export async function folderAsTensors(f: BenchFolder): Promise<[Tensor, Tensor]> {
  const row = f.side * f.side * 3;
  const pixels = new Float32Array(f.files * row);
  const labels = new Int32Array(f.files);
  let at = 0;
  for await (const [b, l] of load(f, 0)) {
    pixels.set(b.dataSync(), at * row);
    labels.set(l.dataSync() as Int32Array, at);
    at += b.shape[0];
  }
  return [tensor(pixels, [f.files, f.side, f.side, 3]), tensor(labels, [f.files], 'int32')];
}
