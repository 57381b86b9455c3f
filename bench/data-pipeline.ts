/**
 * The image-folder pipeline's throughput, against in-memory data:
 *
 *   node dist/bench/data-pipeline.js [--files 3000] [--size 32] [--workers 0,1,2] [--pairs 3]
 *   node dist/bench/data-pipeline.js --rss --files 50000   (one epoch from a folder, prints peak RSS)
 *
 * 1. Pipeline alone: images/s of read + decode + resize + batch (batches of 64) over a generated
 *    folder of --size x --size RGB PNGs and JPEGs, with decoding on the main thread and on N workers.
 * 2. Training: samples/s of one epoch of the small CNN fed from the folder (decoding on the main
 *    thread, then on --train-workers workers) and
 *    from the same images as in-memory tensors (fit(x, y)), in alternating pairs (this machine's
 *    speed drifts within minutes).
 * With --rss it trains one epoch from a folder of --files images and prints the peak RSS, so two
 * runs with different --files show whether memory grows with the folder (run them in turn).
 *
 * The folder is generated under the OS temp directory (reused when it exists) and never written
 * again after generation.
 */
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../src/node.js';
import { Dataset } from '../src/data/dataset.js';
import { imageDatasetFromDirectory } from '../src/node/data/image-dataset.js';
import { writeShapesFolder } from '../src/node/data/shapes-folder-test-util.js';
import { tensor } from '../src/ops/create.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { smallCnn } from '../src/zoo/small-cnn.js';

const o = new Command('data-pipeline')
  .option('--files <n>', 'images in the generated folder', '3000')
  .option('--size <n>', 'side of the generated images', '32')
  .option('--workers <list>', 'decode worker counts to measure', '0,1,2')
  .option('--pairs <n>', 'alternating folder / memory training rounds', '3')
  .option('--train-workers <n>', 'decode workers while training from the folder (besides the main-thread run)', '1')
  .option('--rss', 'train one epoch from the folder and print the peak RSS')
  .parse()
  .opts<{ files: string; size: string; workers: string; pairs: string; trainWorkers: string; rss?: boolean }>();

const files = Number(o.files);
const side = Number(o.size);
const dir = join(tmpdir(), `fovea-bench-shapes-${files}-${side}`);
if (!existsSync(join(dir, 'triangle'))) {
  const t0 = performance.now();
  writeShapesFolder(dir, { perClass: Math.ceil(files / 3), seed: 1, minSide: side, maxSide: side, kinds: ['png-rgb', 'jpeg'] });
  console.log(`generated ${dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

const load = (workers: number, batchSize = 64) =>
  imageDatasetFromDirectory(dir, { imageSize: [side, side], batchSize, seed: 1, workers, verbose: false });

async function pipelineRate(workers: number): Promise<number> {
  const data = load(workers);
  const t0 = performance.now();
  let images = 0;
  for await (const [x] of data) images += x.shape[0];
  return images / ((performance.now() - t0) / 1000);
}

/** A fresh small CNN, compiled and run for one step (warm-up: weights built, kernels loaded). */
async function freshModel(warm: Dataset<unknown>) {
  const model = smallCnn([side, side, 3], 3, { seed: 1 });
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
  await model.fit(warm.take(1), { verbose: 0 });
  return model;
}

/** Samples/s of one epoch from the folder. */
async function folderEpochRate(workers: number): Promise<number> {
  const data = load(workers);
  const model = await freshModel(data);
  const t0 = performance.now();
  await model.fit(data, { epochs: 1, verbose: 0 });
  return files / ((performance.now() - t0) / 1000);
}

/** Samples/s of one epoch from in-memory tensors (fit's array path: shuffled batches of 64). */
async function memoryEpochRate(x: Tensor, y: Tensor, warm: Dataset<unknown>): Promise<number> {
  const model = await freshModel(warm);
  const t0 = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0 });
  return x.shape[0] / ((performance.now() - t0) / 1000);
}

function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

if (o.rss) {
  const workers = Number(o.workers.split(',').pop());
  const data = load(workers);
  const model = smallCnn([side, side, 3], 3, { seed: 1 });
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
  const t0 = performance.now();
  await model.fit(data, { epochs: 1, verbose: 0 });
  console.log(JSON.stringify({ files, side, workers, seconds: (performance.now() - t0) / 1000, peakRssMB: Math.round(peakRssMB()) }));
} else {
  const workerCounts = o.workers.split(',').map(Number);
  const rates = new Map<number, number>();
  for (const w of workerCounts) {
    rates.set(w, await pipelineRate(w));
    console.log(`pipeline, ${w === 0 ? 'main thread' : `${w} worker${w > 1 ? 's' : ''}`}: ${rates.get(w)!.toFixed(0)} images/s (decode + resize + batch of 64, ${side}x${side})`);
  }
  const trainWorkers = Number(o.trainWorkers);
  // The same images held in memory: one pass of the folder, kept as tensors.
  const batches = (await load(0).toArray()) as [Tensor, Tensor][];
  const count = batches.reduce((n, [b]) => n + b.shape[0], 0);
  const pixels = new Float32Array(count * side * side * 3);
  const labels = new Int32Array(count);
  let at = 0;
  for (const [b, l] of batches) {
    pixels.set(b.dataSync(), at * side * side * 3);
    labels.set(l.dataSync() as Int32Array, at);
    at += b.shape[0];
  }
  const x = tensor(pixels, [count, side, side, 3]);
  const y = tensor(labels, [count], 'int32');
  const warm = Dataset.fromTensors([x, y]).batch(64);
  for (let p = 0; p < Number(o.pairs); p++) {
    const mainThread = await folderEpochRate(0);
    const folder = trainWorkers === 0 ? mainThread : await folderEpochRate(trainWorkers);
    const memory = await memoryEpochRate(x, y, warm);
    console.log(`round ${p + 1}: one epoch from the folder ${mainThread.toFixed(0)} samples/s decoding on the main thread, ${folder.toFixed(0)} with ${trainWorkers} worker(s); ` +
      `from memory ${memory.toFixed(0)} samples/s; folder / memory ${(folder / memory).toFixed(2)}`);
  }
  console.log(`peak RSS ${peakRssMB().toFixed(0)} MB`);
}
