/**
 * `fovea bench --model NAME|all`: each zoo model (bench-models.ts) timed as
 * ../shared/peers/torch_zoo.py times it, so the two programs' figures compare directly:
 * training samples/s at batch 64 with the model's optimizer (after warm-up steps, with the median
 * step time), inference samples/s at batch 256 (best of a few passes over the same images), the
 * kernels one training step runs, peak RSS, and ONNX Runtime's inference of the same model where
 * exportOnnx handles it. One `{"event":"result"}` line per model with --json.
 */
import { engine } from '../backend/engine.js';
import { loadMnist } from '../data/mnist.js';
import { toCategorical } from '../data/to-categorical.js';
import type { Trainer } from '../models/trainer.js';
import { tensor } from '../ops/create.js';
import { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { useBackend } from './backend-option.js';
import { countKernels, type KernelCalls } from './bench-kernels.js';
import { type BenchModel, benchProgram, resolveApi } from './bench-models.js';
import { benchOnnxRuntime, describeOnnx, type OnnxBench, type OnnxBenchModel, onnxResultFields } from './bench-onnx.js';
import type { BenchApi, BenchProgram } from './bench-programs.js';

export interface ZooBenchOptions {
  models: BenchModel[];
  /** Default: each model's Keras-style build. */
  api?: BenchApi;
  backend?: string;
  /** Timed training steps (default: torch_zoo's, 300 for the MNIST models and 50 for the others). */
  steps?: number;
  warmup?: number;
  /** Images timed for inference (default 2048, as torch_zoo). */
  inferSamples?: number;
  json?: boolean;
  seed?: number;
}

export interface ZooBenchResult {
  event: 'result';
  model: string;
  api: BenchApi;
  backend: string;
  threads: number;
  optimizer: string;
  params: number;
  data: BenchModel['data'];
  batch: number;
  warmupSteps: number;
  timedSteps: number;
  trainSamplesPerSec: number;
  trainStepMsMedian: number;
  inferBatch: number;
  inferImages: number;
  inferSamplesPerSec: number;
  /** Kernels one training step runs, by id, and their total. */
  kernelCalls: KernelCalls;
  kernelCallsPerStep: number;
  /** The process's peak so far: with several models, the largest of them and those before. */
  peakRssMB: number;
  onnxInferSamplesPerSec?: number;
  inferRatioToOnnx?: number;
  onnxSkipped?: string;
}

export const TRAIN_BATCH = 64;
export const INFER_BATCH = 256;
const INFER_REPS = 3;
/** Distinct training batches, cycled through (torch_zoo's --data-batches). */
const DATA_BATCHES = 16;
const CLASSES = 10;

export interface BenchData {
  batches: [Tensor, Tensor][];
  /** Inference images [n, ...sampleShape]. */
  inferImages: Tensor;
}

/** MNIST training batches and test images (the MNIST models). */
function mnistData(samples: number): BenchData {
  const data = loadMnist({ limitTrain: DATA_BATCHES * TRAIN_BATCH, limitTest: samples });
  const images = data.trainImages.dataSync();
  const labels = data.trainLabels.dataSync();
  const batches = Array.from({ length: DATA_BATCHES }, (_, b): [Tensor, Tensor] => {
    const [s, e] = [b * TRAIN_BATCH, (b + 1) * TRAIN_BATCH];
    return [tensor(images.slice(s * 784, e * 784), [TRAIN_BATCH, 28, 28, 1]), toCategorical(labels.slice(s, e), CLASSES)];
  });
  return { batches, inferImages: data.testImages };
}

/** Seeded standard-normal images and uniform labels, as torch_zoo feeds its models. */
function syntheticData(sample: readonly [number, number, number], samples: number, seed: number): BenchData {
  const rng = new Random(seed);
  const size = sample[0] * sample[1] * sample[2];
  const images = (n: number) => tensor(Float32Array.from({ length: n * size }, () => rng.normal()), [n, ...sample]);
  const batches = Array.from({ length: DATA_BATCHES }, (): [Tensor, Tensor] => [
    images(TRAIN_BATCH), toCategorical(Int32Array.from({ length: TRAIN_BATCH }, () => rng.int(CLASSES)), CLASSES),
  ]);
  return { batches, inferImages: images(samples) };
}

/** The model's timed data: MNIST for the MNIST models, seeded synthetic images otherwise. */
export function zooBenchData(model: BenchModel, samples: number, seed: number): BenchData {
  return model.data === 'mnist' ? mnistData(samples) : syntheticData(model.sampleShape, samples, seed);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function timeTraining(program: BenchProgram, data: BenchData, warmup: number, steps: number) {
  const prepared = data.batches.map(([x, y]) => program.prepare(x, y));
  const batch = (s: number) => prepared[s % prepared.length]!;
  for (let s = 0; s < warmup; s++) program.trainStep(...batch(s));
  const kernelCalls = countKernels(() => program.trainStep(...batch(warmup)));
  const stepMs: number[] = [];
  const t0 = performance.now();
  for (let s = warmup + 1; s <= warmup + steps; s++) {
    const ts = performance.now();
    program.trainStep(...batch(s));
    stepMs.push(performance.now() - ts);
  }
  const seconds = (performance.now() - t0) / 1000;
  return { samplesPerSec: (steps * TRAIN_BATCH) / seconds, stepMsMedian: median(stepMs), kernelCalls };
}

/** Best of INFER_REPS passes over the inference images at batch 256, after two warm-up batches. */
function timeInference(program: BenchProgram, images: Tensor): number {
  const n = images.shape[0]!;
  const first = tensor(images.dataSync().slice(0, Math.min(n, INFER_BATCH) * (images.size / n)), [Math.min(n, INFER_BATCH), ...images.shape.slice(1)]);
  program.predict(first, INFER_BATCH).dataSync();
  program.predict(first, INFER_BATCH).dataSync();
  let best = Infinity;
  for (let r = 0; r < INFER_REPS; r++) {
    const t0 = performance.now();
    program.predict(images, INFER_BATCH).dataSync();
    best = Math.min(best, performance.now() - t0);
  }
  return n / (best / 1000);
}

async function onnxFigure(model: BenchModel, keras: Trainer | null, data: BenchData, threads: number): Promise<OnnxBench> {
  if (keras === null) return { skipped: 'exportOnnx takes Keras-style models; this build is an nn module' };
  const images = data.inferImages;
  return benchOnnxRuntime({
    images: images.dataSync() as Float32Array, samples: images.shape[0]!, batch: INFER_BATCH, threads, reps: INFER_REPS,
    model: keras as OnnxBenchModel, sampleShape: model.sampleShape, label: model.name,
  });
}

async function benchOne(model: BenchModel, o: ZooBenchOptions, backend: string): Promise<ZooBenchResult> {
  const api = resolveApi(model, o.api);
  const seed = o.seed ?? 1234;
  const samples = o.inferSamples ?? 2048;
  const data = zooBenchData(model, samples, seed);
  const { program, keras, params } = benchProgram(model, api, seed);
  const warmup = o.warmup ?? 5;
  const steps = o.steps ?? model.steps;
  const train = timeTraining(program, data, warmup, steps);
  const inferSamplesPerSec = timeInference(program, data.inferImages);
  const threads = engine.backend.threads;
  const onnx = await onnxFigure(model, keras, data, threads);
  return {
    event: 'result', model: model.name, api, backend, threads, optimizer: model.optimizer, params, data: model.data,
    batch: TRAIN_BATCH, warmupSteps: warmup, timedSteps: steps, trainSamplesPerSec: train.samplesPerSec, trainStepMsMedian: train.stepMsMedian,
    inferBatch: INFER_BATCH, inferImages: data.inferImages.shape[0]!, inferSamplesPerSec,
    kernelCalls: train.kernelCalls, kernelCallsPerStep: Object.values(train.kernelCalls).reduce((a, b) => a + b, 0),
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    ...onnxResultFields(onnx, inferSamplesPerSec), ...('skipped' in onnx ? { onnxSkipped: onnx.skipped } : {}),
  };
}

function describeResult(r: ZooBenchResult): string[] {
  const onnx: OnnxBench = r.onnxSkipped !== undefined ? { skipped: r.onnxSkipped } : { inferSamplesPerSec: r.onnxInferSamplesPerSec! };
  const calls = Object.entries(r.kernelCalls).map(([id, n]) => `${id} ${n}`).join(', ');
  return [
    `${r.model} (${r.api}, ${r.params.toLocaleString('en-US')} params, ${r.optimizer}, ${r.data} data) on ${r.backend}, ${r.threads} threads`,
    `  train      ${r.trainSamplesPerSec.toFixed(0)} samples/s at batch ${r.batch} (median step ${r.trainStepMsMedian.toFixed(1)} ms over ${r.timedSteps} steps)`,
    `  inference  ${r.inferSamplesPerSec.toFixed(0)} samples/s at batch ${r.inferBatch}`,
    describeOnnx(onnx, r.backend, r.inferSamplesPerSec),
    `  kernels per training step (${r.kernelCallsPerStep}): ${calls}`,
    `  peak RSS ${r.peakRssMB.toFixed(0)} MB`,
  ];
}

/** Benchmarks each model in turn; prints a result line (or a block of text) per model. */
export async function runZooBench(o: ZooBenchOptions, print: (line: string) => void = console.log): Promise<ZooBenchResult[]> {
  const backend = useBackend(o.backend);
  const results: ZooBenchResult[] = [];
  for (const model of o.models) {
    const r = await benchOne(model, o, backend);
    results.push(r);
    for (const line of o.json ? [JSON.stringify(r)] : describeResult(r)) print(line);
  }
  return results;
}
