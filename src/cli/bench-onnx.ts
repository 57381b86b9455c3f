/**
 * The ONNX Runtime figure of `fovea bench`: the seed CNN (or, with `--model`, the zoo model just
 * trained), exported by Fovea's own ONNX exporter, runs in onnxruntime-node on the same images,
 * batch size and thread count as Fovea's inference figure, so their ratio compares engines and nothing else. Before timing, ONNX
 * Runtime's outputs are checked against Fovea's: a wrong export must fail the bench, not produce a
 * flattering ratio. onnxruntime-node is a devDependency; without it the figure is skipped.
 */
import { exportOnnx, type OnnxExportable } from '../io/onnx/onnx-export.js';
import { mnistCnn } from '../models/mnist-cnn.js';
import type { Trainer } from '../models/trainer.js';
import { tensor } from '../ops/create.js';
import type { Tensor } from '../tensor/tensor.js';

/** The slice of the onnxruntime-node API the bench uses (typed here so tsc never needs the package). */
interface OrtTensor {
  readonly data: ArrayLike<number>;
  readonly dims: readonly number[];
}
interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
export interface OnnxRuntime {
  InferenceSession: { create(model: Uint8Array, options: { intraOpNumThreads: number; interOpNumThreads: number }): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;
}

export const ONNX_RUNTIME_PACKAGE = 'onnxruntime-node';
/** Largest |ONNX Runtime - Fovea| allowed on the seed CNN's softmax outputs (as in test/onnx-runtime.test.ts). */
export const ONNX_AGREEMENT = 1e-4;

const MNIST_SAMPLE: readonly [number, number, number] = [28, 28, 1];

/** A Keras-style model that both predicts and exports. */
export type OnnxBenchModel = Trainer & OnnxExportable;

export interface OnnxBenchOptions {
  /** Images [N, ...sampleShape] flattened (MNIST test images for the seed CNN). */
  images: Float32Array;
  /** The model to export and time (default: the seed CNN, mnistCnn({ seed: 1 })). */
  model?: OnnxBenchModel;
  /** One sample's NHWC shape (default [28, 28, 1]). */
  sampleShape?: readonly [number, number, number];
  /** How errors name the model (default 'the seed CNN'). */
  label?: string;
  /** The model already exported (default: exported here). */
  onnx?: Uint8Array;
  /** Images timed per run (the first `samples` of `images`). */
  samples: number;
  batch: number;
  /** ONNX Runtime's intra-op threads: the Fovea backend's thread count. */
  threads: number;
  /** Timed runs over all samples; the best counts. */
  reps: number;
}

export type OnnxBench = { inferSamplesPerSec: number } | { skipped: string };

/** onnxruntime-node, or why it cannot be used. `specifier` is a parameter so tests can name a missing package. */
export async function importOnnxRuntime(specifier = ONNX_RUNTIME_PACKAGE): Promise<{ ort: OnnxRuntime } | { skipped: string }> {
  try {
    return { ort: (await import(specifier)) as OnnxRuntime };
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    return { skipped: `${specifier} is not importable (${reason})` };
  }
}

function imageTensor(ort: OnnxRuntime, images: Float32Array, sample: readonly number[], start: number, count: number): unknown {
  const size = sample[0]! * sample[1]! * sample[2]!;
  return new ort.Tensor('float32', images.slice(start * size, (start + count) * size), [count, ...sample]);
}

/** The first `samples` images cut into input tensors of at most `batch` images, made before timing. */
function inputBatches(ort: OnnxRuntime, images: Float32Array, sample: readonly number[], samples: number, batch: number): unknown[] {
  const starts = Array.from({ length: Math.ceil(samples / batch) }, (_, i) => i * batch);
  return starts.map((start) => imageTensor(ort, images, sample, start, Math.min(batch, samples - start)));
}

async function runOne(session: OrtSession, input: unknown): Promise<OrtTensor> {
  const outputs = await session.run({ [session.inputNames[0]]: input });
  return outputs[session.outputNames[0]];
}

/** Throws unless ONNX Runtime gives Fovea's predictions (shape and values) on one batch. */
async function checkAgreement(ort: OnnxRuntime, session: OrtSession, model: Trainer, images: Float32Array, sample: readonly number[], batch: number, label: string): Promise<void> {
  const theirs = await runOne(session, imageTensor(ort, images, sample, 0, batch));
  const size = sample[0]! * sample[1]! * sample[2]!;
  const ours = model.predict(tensor(images.slice(0, batch * size), [batch, ...sample])) as Tensor; // one input, one output
  if (theirs.dims.join(',') !== ours.shape.join(',')) {
    throw new Error(`bench: ONNX Runtime output shape [${theirs.dims.join(', ')}] differs from Fovea's [${ours.shape.join(', ')}] on ${label}`);
  }
  const values = ours.dataSync();
  let diff = 0;
  for (let i = 0; i < values.length; i++) diff = Math.max(diff, Math.abs(theirs.data[i] - values[i]));
  if (!(diff <= ONNX_AGREEMENT)) {
    throw new Error(`bench: ONNX Runtime disagrees with Fovea on ${label}: max abs diff ${diff} > ${ONNX_AGREEMENT} over ${batch} images`);
  }
}

/** Best wall time (s) of `reps` runs of every batch in sequence, as Fovea's predict runs them. */
async function bestSeconds(session: OrtSession, batches: unknown[], reps: number): Promise<number> {
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (const input of batches) await runOne(session, input);
    best = Math.min(best, performance.now() - t0);
  }
  return best / 1000;
}

/** Inference samples/s of the model in ONNX Runtime, after the agreement check and a warm-up batch. */
export async function onnxInferThroughput(ort: OnnxRuntime, o: OnnxBenchOptions): Promise<number> {
  const model = o.model ?? mnistCnn({ seed: 1 });
  const sample = o.sampleShape ?? MNIST_SAMPLE;
  const session = await ort.InferenceSession.create(o.onnx ?? await exportOnnx(model), { intraOpNumThreads: o.threads, interOpNumThreads: 1 });
  try {
    await checkAgreement(ort, session, model, o.images, sample, Math.min(o.batch, o.samples), o.label ?? 'the seed CNN');
    const batches = inputBatches(ort, o.images, sample, o.samples, o.batch);
    await runOne(session, batches[0]);
    return o.samples / (await bestSeconds(session, batches, o.reps));
  } finally {
    await session.release();
  }
}

/** The ONNX Runtime figure, or why it was skipped: no onnxruntime-node, or a model exportOnnx does not handle. */
export async function benchOnnxRuntime(o: OnnxBenchOptions, specifier = ONNX_RUNTIME_PACKAGE): Promise<OnnxBench> {
  const loaded = await importOnnxRuntime(specifier);
  if ('skipped' in loaded) return loaded;
  const model = o.model ?? mnistCnn({ seed: 1 });
  let onnx: Uint8Array;
  try {
    onnx = await exportOnnx(model);
  } catch (e) {
    return { skipped: `exportOnnx cannot export ${o.label ?? 'the seed CNN'} (${(e instanceof Error ? e.message : String(e)).split('\n')[0]})` };
  }
  return { inferSamplesPerSec: await onnxInferThroughput(loaded.ort, { ...o, model, onnx }) };
}

/** The text-mode line; `foveaInfer` is the chosen backend's inference samples/s. */
export function describeOnnx(onnx: OnnxBench, backend: string, foveaInfer: number): string {
  if ('skipped' in onnx) return `  onnxruntime inference  skipped: ${onnx.skipped}`;
  const ratio = (foveaInfer / onnx.inferSamplesPerSec).toFixed(2);
  return `  onnxruntime inference  ${onnx.inferSamplesPerSec.toFixed(0)} samples/s (Fovea ${backend} = ${ratio}x)`;
}

/** Fields for the JSON result line: none when skipped. */
export function onnxResultFields(onnx: OnnxBench, foveaInfer: number): { onnxInferSamplesPerSec?: number; inferRatioToOnnx?: number } {
  if ('skipped' in onnx) return {};
  return { onnxInferSamplesPerSec: onnx.inferSamplesPerSec, inferRatioToOnnx: foveaInfer / onnx.inferSamplesPerSec };
}
