/**
 * `fovea bench`: throughput of the seed CNN on real MNIST, on a chosen backend and on the
 * reference backend in the same process, so the printed ratios survive a noisy machine.
 * Measures training samples/s (batch 64, RMSprop, after warm-up), inference samples/s (batch 256,
 * best of a few runs), GFLOPS of the largest conv's forward and both gradients, and peak RSS. When
 * onnxruntime-node is installed, the same model exported to ONNX is timed there too (bench-onnx.ts).
 */
import { type Command, InvalidArgumentError } from 'commander';
import { engine } from '../backend/engine.js';
import type { Conv2DAttrs } from '../backend/kernels.js';
import { loadMnist, type Mnist } from '../data/mnist.js';
import { toCategorical } from '../data/to-categorical.js';
import type { KernelId } from '../backend/kernels.js';
import { tensor } from '../ops/create.js';
import { withScope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { useBackend } from './backend-option.js';
import { countKernels } from './bench-kernels.js';
import { benchOnnxRuntime, describeOnnx, onnxResultFields, type OnnxBench } from './bench-onnx.js';
import { BENCH_MODEL_NAMES, benchModelsByName } from './bench-models.js';
import { runApiComparison } from './bench-apis.js';
import { runZooBench } from './bench-zoo.js';
import { BENCH_APIS, type BenchApi, type BenchProgram, seedCnnProgram } from './bench-programs.js';

export interface BenchOptions {
  backend?: string;
  steps: number;
  warmup: number;
  /** Steps for the reference backend (it is slow; a few suffice for a ratio). */
  refSteps: number;
  /** Test images timed for inference (default 2048; the reference backend times at most 512). */
  inferSamples?: number;
  json?: boolean;
  /** Which API builds the seed CNN (default 'sequential'). */
  api?: BenchApi;
}

export interface BackendBench {
  backend: string;
  trainSamplesPerSec: number;
  inferSamplesPerSec: number;
  /** GFLOPS of conv2d_1 (13x13x32 -> 11x11x64, 3x3, batch 64): forward, input grad, filter grad. */
  convGflops: { forward: number; backpropInput: number; backpropFilter: number };
  /** Kernels one training step runs, by kernel id (what the plan fused shows here). */
  kernelCalls: Partial<Record<KernelId, number>>;
}

const TRAIN_BATCH = 64;
const INFER_BATCH = 256;
/** Timed inference runs on the chosen backend and in ONNX Runtime; the best counts. */
const INFER_REPS = 3;
const REF_INFER_SAMPLES = 512;

function batchOf(images: Tensor, labels: Tensor, step: number, batch: number): [Tensor, Tensor] {
  const n = images.shape[0];
  const start = (step * batch) % (n - batch);
  const x = tensor(images.dataSync().subarray(start * 784, (start + batch) * 784), [batch, 28, 28, 1]);
  const y = toCategorical(labels.dataSync().subarray(start, start + batch), 10);
  return [x, y];
}

function trainThroughput(program: BenchProgram, data: Mnist, steps: number, warmup: number): { samplesPerSec: number; kernelCalls: BackendBench['kernelCalls'] } {
  const batches = Array.from({ length: Math.min(steps, 50) }, (_, i) => program.prepare(...batchOf(data.trainImages, data.trainLabels, i, TRAIN_BATCH)));
  for (let s = 0; s < warmup; s++) program.trainStep(...batches[s % batches.length]!);
  const kernelCalls = countKernels(() => program.trainStep(...batches[0]!));
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) program.trainStep(...batches[s % batches.length]!);
  return { samplesPerSec: (steps * TRAIN_BATCH) / ((performance.now() - t0) / 1000), kernelCalls };
}

/** Best of `reps` timed predictions over `samples` test images, after a warm-up batch. */
function inferThroughput(program: BenchProgram, data: Mnist, samples: number, reps: number): number {
  const x = tensor(data.testImages.dataSync().subarray(0, samples * 784), [samples, 28, 28, 1]);
  program.predict(x.shape[0] > INFER_BATCH ? tensor(x.dataSync().subarray(0, INFER_BATCH * 784), [INFER_BATCH, 28, 28, 1]) : x, INFER_BATCH);
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    program.predict(x, INFER_BATCH);
    best = Math.min(best, performance.now() - t0);
  }
  return samples / (best / 1000);
}

/** Best-of-`reps` GFLOPS of one kernel call. */
function kernelGflops(flops: number, reps: number, run: () => Tensor): number {
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    withScope(() => {
      const t0 = performance.now();
      run().dataSync();
      best = Math.min(best, performance.now() - t0);
    });
  }
  return flops / (best / 1000) / 1e9;
}

function convGflops(reps: number): BackendBench['convGflops'] {
  const rand = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.5);
  const x = tensor(rand(64 * 13 * 13 * 32), [64, 13, 13, 32]);
  const w = tensor(rand(3 * 3 * 32 * 64), [3, 3, 32, 64]);
  const dy = tensor(rand(64 * 11 * 11 * 64), [64, 11, 11, 64]);
  const attrs: Conv2DAttrs = { strides: [1, 1], pad: [0, 0, 0, 0], dilations: [1, 1], groups: 1 };
  const flops = 2 * 64 * 11 * 11 * 64 * 3 * 3 * 32;
  return {
    forward: kernelGflops(flops, reps, () => engine.runKernel('Conv2D', { x, filter: w, bias: undefined }, { ...attrs, activation: 'linear' })),
    backpropInput: kernelGflops(flops, reps, () => engine.runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: [64, 13, 13, 32] })),
    backpropFilter: kernelGflops(flops, reps, () => engine.runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: [3, 3, 32, 64] })),
  };
}

function benchBackend(name: string, api: BenchApi, data: Mnist, steps: number, warmup: number, inferSamples: number, inferReps: number): BackendBench {
  useBackend(name);
  const train = trainThroughput(seedCnnProgram(api, 1), data, steps, warmup);
  return {
    backend: name,
    trainSamplesPerSec: train.samplesPerSec,
    inferSamplesPerSec: inferThroughput(seedCnnProgram(api, 1), data, inferSamples, inferReps),
    kernelCalls: train.kernelCalls,
    // One or two steps is a smoke run (as in the tests): each kernel is timed only that many times.
    convGflops: convGflops(steps > 5 ? 10 : Math.min(steps, 3)),
  };
}

function describe(b: BackendBench, ref: BackendBench | null): string[] {
  const ratio = (v: number, r: number | undefined) => (ref && r ? ` (${(v / r).toFixed(2)}x ref)` : '');
  const g = b.convGflops;
  return [
    `backend ${b.backend}`,
    `  train      ${b.trainSamplesPerSec.toFixed(0)} samples/s${ratio(b.trainSamplesPerSec, ref?.trainSamplesPerSec)}`,
    `  inference  ${b.inferSamplesPerSec.toFixed(0)} samples/s${ratio(b.inferSamplesPerSec, ref?.inferSamplesPerSec)}`,
    `  conv2d_1   forward ${g.forward.toFixed(2)} GFLOPS${ratio(g.forward, ref?.convGflops.forward)}, ` +
      `input grad ${g.backpropInput.toFixed(2)}${ratio(g.backpropInput, ref?.convGflops.backpropInput)}, ` +
      `filter grad ${g.backpropFilter.toFixed(2)}${ratio(g.backpropFilter, ref?.convGflops.backpropFilter)}`,
  ];
}

export async function runBench(o: BenchOptions, print: (line: string) => void = console.log): Promise<{ main: BackendBench; ref: BackendBench; onnx: OnnxBench }> {
  const chosen = useBackend(o.backend);
  const inferSamples = o.inferSamples ?? 2048;
  const data = loadMnist({ limitTrain: 4096, limitTest: inferSamples });
  const api = o.api ?? 'sequential';
  const main = benchBackend(chosen, api, data, o.steps, o.warmup, inferSamples, INFER_REPS);
  // Measured while the chosen backend is current: its predictions are the ones checked, its threads the ones matched.
  const threads = engine.backend.threads;
  const onnx = await benchOnnxRuntime({ images: data.testImages.dataSync() as Float32Array, samples: inferSamples, batch: INFER_BATCH, threads, reps: INFER_REPS });
  const ref = chosen === 'ref' ? main : benchBackend('ref', api, data, o.refSteps, 1, Math.min(inferSamples, REF_INFER_SAMPLES), 1);
  useBackend(chosen);
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  if (o.json) {
    if ('skipped' in onnx) print(JSON.stringify({ event: 'onnxruntime', ...onnx }));
    print(JSON.stringify({ event: 'reference', ...ref }));
    print(JSON.stringify({ event: 'result', api, ...main, threads, peakRssMB, trainRatioToRef: main.trainSamplesPerSec / ref.trainSamplesPerSec, inferRatioToRef: main.inferSamplesPerSec / ref.inferSamplesPerSec, ...onnxResultFields(onnx, main.inferSamplesPerSec) }));
  } else {
    const calls = Object.entries(main.kernelCalls).map(([id, n]) => `${id} ${n}`).join(', ');
    const mainLines = [`api ${api}`, ...describe(main, chosen === 'ref' ? null : ref), `  kernels per training step: ${calls}`, describeOnnx(onnx, chosen, main.inferSamplesPerSec)];
    for (const line of [...mainLines, ...(chosen === 'ref' ? [] : describe(ref, null))]) print(line);
    print(`peak RSS ${peakRssMB.toFixed(0)} MB`);
  }
  return { main, ref, onnx };
}

/** `--api`: one API, or a comma-separated list to compare in one process (repeats allowed: an A/A run shows the noise). */
function apiNames(value: string): BenchApi[] {
  const names = value.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!(BENCH_APIS as readonly string[]).includes(name)) throw new InvalidArgumentError(`expected one of ${BENCH_APIS.join(', ')} or a comma-separated list of them, got '${name}'`);
  }
  return names as BenchApi[];
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  return n;
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('benchmark the seed CNN on a backend, with ratios to the reference backend measured in the same run; with --model, the zoo models as torch_zoo.py times them')
    .option('--model <name>', `zoo model(s) to benchmark: ${BENCH_MODEL_NAMES.join(', ')}, a comma-separated list, or all`)
    .option('--backend <name>', 'backend to measure')
    .option('--steps <n>', 'timed training steps (default 30; with --model, 300 for the MNIST models and 50 for the others)', positiveInt)
    .option('--warmup <n>', 'warm-up training steps (default 3; with --model, 5)', positiveInt)
    .option('--ref-steps <n>', 'timed training steps on the reference backend', positiveInt, 4)
    .option('--api <name>', `API that builds the model: ${BENCH_APIS.join(', ')} (with --model, default: the model's Keras-style build); ` +
      'with --model, a comma-separated list compares them in one process, blocks alternating (the first is the base of the ratios)', apiNames)
    .option('--rounds <n>', 'with several --api: rounds of alternating blocks (default 10)', positiveInt)
    .option('--json', 'print JSON lines; the last is {"event":"result",...} (with --model, one per model)')
    .action(async (opts: { model?: string; backend?: string; steps?: number; warmup?: number; refSteps: number; json?: boolean; api?: BenchApi[]; rounds?: number }) => {
      const apis = opts.api ?? [];
      if (apis.length > 1) {
        if (opts.model === undefined) throw new Error('bench: comparing APIs (--api with a list) takes --model; the seed CNN is --model mnist-cnn');
        runApiComparison({ models: benchModelsByName(opts.model), apis, backend: opts.backend, rounds: opts.rounds, steps: opts.steps, warmup: opts.warmup, json: opts.json });
        return;
      }
      if (opts.model !== undefined) {
        await runZooBench({ models: benchModelsByName(opts.model), api: apis[0], backend: opts.backend, steps: opts.steps, warmup: opts.warmup, json: opts.json });
        return;
      }
      await runBench({ backend: opts.backend, steps: opts.steps ?? 30, warmup: opts.warmup ?? 3, refSteps: opts.refSteps, json: opts.json, api: apis[0] ?? 'sequential' });
    });
}
