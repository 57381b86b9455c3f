/**
 * `fovea bench --model NAME --api sequential,functional,nn`: one zoo model built in several APIs
 * and timed in one process, block against block. A round runs, for each API in turn, a block of
 * training steps and one inference pass over the same images; each round starts one API further
 * along, so no API always follows the same one. Each API's figure is the median of its blocks and
 * its ratio to the first API is the median of the per-round ratios. Separate processes alternated
 * on this 2-core host scatter by +-20% (the machine's speed moves over minutes: one sitting ran
 * 47k then 34k images/s for the same program); blocks seconds apart see the same machine.
 */
import { engine } from '../backend/engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { useBackend } from './backend-option.js';
import { countKernels, type KernelCalls } from './bench-kernels.js';
import { type BenchModel, benchProgram, resolveApi } from './bench-models.js';
import type { BenchApi, BenchProgram } from './bench-programs.js';
import { type BenchData, INFER_BATCH, median, TRAIN_BATCH, zooBenchData } from './bench-zoo.js';

export interface ApiComparisonOptions {
  models: BenchModel[];
  /** At least two; the first is the base of the ratios. */
  apis: BenchApi[];
  backend?: string;
  /** Rounds of blocks (default 10). */
  rounds?: number;
  /** Timed training steps per API over all rounds (default: the model's torch_zoo steps); each block runs steps / rounds of them. */
  steps?: number;
  warmup?: number;
  /** Images each inference pass predicts (default 2048). */
  inferSamples?: number;
  json?: boolean;
  seed?: number;
}

export interface ApiFigures {
  api: BenchApi;
  /** Median over the rounds' blocks. */
  trainSamplesPerSec: number;
  inferSamplesPerSec: number;
  /** Median over rounds of this API's block throughput over the first API's in the same round. */
  trainRatio: number;
  inferRatio: number;
  /** Least and greatest per-round ratio. */
  trainRatioRange: [number, number];
  inferRatioRange: [number, number];
  /** Kernels one training step runs, by id. */
  kernelCalls: KernelCalls;
}

export interface ApiComparisonResult {
  event: 'apiComparison';
  model: string;
  backend: string;
  threads: number;
  base: BenchApi;
  rounds: number;
  stepsPerBlock: number;
  batch: number;
  inferImages: number;
  inferBatch: number;
  apis: ApiFigures[];
}

/** One API's program with its batches in its own form, and its blocks' throughputs. */
interface Contender {
  api: BenchApi;
  program: BenchProgram;
  prepared: [Tensor, Tensor][];
  step: number;
  train: number[];
  infer: number[];
}

function contender(model: BenchModel, api: BenchApi, data: BenchData, seed: number): Contender {
  const { program } = benchProgram(model, api, seed);
  return { api, program, prepared: data.batches.map(([x, y]) => program.prepare(x, y)), step: 0, train: [], infer: [] };
}

function trainSteps(c: Contender, steps: number): void {
  for (let s = 0; s < steps; s++) c.program.trainStep(...c.prepared[c.step++ % c.prepared.length]!);
}

/** Samples/s of a block of training steps. */
function trainBlock(c: Contender, steps: number): number {
  const t0 = performance.now();
  trainSteps(c, steps);
  return (steps * TRAIN_BATCH) / ((performance.now() - t0) / 1000);
}

/** Images/s of one prediction over the images, read back as a user reads it. */
function inferBlock(c: Contender, images: Tensor): number {
  const t0 = performance.now();
  c.program.predict(images, INFER_BATCH).dataSync();
  return images.shape[0]! / ((performance.now() - t0) / 1000);
}

/** Per round, a contender's figure over the base's in the same round; their median and range. */
export function roundRatios(base: number[], other: number[]): { median: number; range: [number, number] } {
  const r = other.map((v, i) => v / base[i]!);
  return { median: median(r), range: [Math.min(...r), Math.max(...r)] };
}

function compareOne(model: BenchModel, o: ApiComparisonOptions, backend: string): ApiComparisonResult {
  const seed = o.seed ?? 1234;
  const rounds = o.rounds ?? 10;
  const apis = o.apis.map((api) => resolveApi(model, api)); // checked before any data is made
  const data = zooBenchData(model, o.inferSamples ?? 2048, seed);
  const stepsPerBlock = Math.max(1, Math.round((o.steps ?? model.steps) / rounds));
  const contenders = apis.map((api) => contender(model, api, data, seed));
  for (const c of contenders) {
    trainSteps(c, o.warmup ?? 5);
    c.program.predict(data.inferImages, INFER_BATCH).dataSync();
  }
  const kernelCalls = contenders.map((c) => countKernels(() => trainSteps(c, 1)));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(i + r) % contenders.length]!;
      c.train.push(trainBlock(c, stepsPerBlock));
      c.infer.push(inferBlock(c, data.inferImages));
    }
  }
  const [base] = contenders;
  return {
    event: 'apiComparison', model: model.name, backend, threads: engine.backend.threads, base: base!.api, rounds, stepsPerBlock,
    batch: TRAIN_BATCH, inferImages: data.inferImages.shape[0]!, inferBatch: INFER_BATCH,
    apis: contenders.map((c, i) => {
      const train = roundRatios(base!.train, c.train), infer = roundRatios(base!.infer, c.infer);
      return {
        api: c.api, trainSamplesPerSec: median(c.train), inferSamplesPerSec: median(c.infer),
        trainRatio: train.median, inferRatio: infer.median, trainRatioRange: train.range, inferRatioRange: infer.range,
        kernelCalls: kernelCalls[i]!,
      };
    }),
  };
}

function describeComparison(r: ApiComparisonResult): string[] {
  const range = ([lo, hi]: [number, number]) => `rounds ${lo.toFixed(2)}-${hi.toFixed(2)}`;
  const ratio = (a: ApiFigures, kind: 'train' | 'infer') =>
    a.api === r.base ? '(base)' : `(${a[`${kind}Ratio`].toFixed(3)}x ${r.base}, ${range(a[`${kind}RatioRange`])})`;
  return [
    `${r.model} in ${r.apis.length} APIs on ${r.backend}, ${r.threads} threads, one process: ${r.rounds} rounds, each a block of ` +
      `${r.stepsPerBlock} training steps (batch ${r.batch}) and a prediction of ${r.inferImages} images (batch ${r.inferBatch}) per API, order rotating`,
    ...r.apis.flatMap((a) => [
      `  ${a.api.padEnd(10)} train ${a.trainSamplesPerSec.toFixed(0)} samples/s ${ratio(a, 'train')}, inference ${a.inferSamplesPerSec.toFixed(0)} samples/s ${ratio(a, 'infer')}`,
      `  ${''.padEnd(10)} kernels per training step: ${Object.entries(a.kernelCalls).map(([id, n]) => `${id} ${n}`).join(', ')}`,
    ]),
  ];
}

/** Compares the APIs on each model in turn; prints one result line (or a block of text) per model. */
export function runApiComparison(o: ApiComparisonOptions, print: (line: string) => void = console.log): ApiComparisonResult[] {
  if (o.apis.length < 2) throw new Error(`bench: comparing APIs takes at least two (got ${o.apis.join(',') || 'none'})`);
  const backend = useBackend(o.backend);
  return o.models.map((model) => {
    const r = compareOne(model, o, backend);
    for (const line of o.json ? [JSON.stringify(r)] : describeComparison(r)) print(line);
    return r;
  });
}
