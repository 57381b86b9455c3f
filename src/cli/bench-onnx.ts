/**
 * The ONNX Runtime figure of `fovea bench`: the seed CNN, exported by Fovea's own ONNX exporter,
 * runs in onnxruntime-node on the same test images, batch size and thread count as Fovea's
 * inference figure, so their ratio compares engines and nothing else. Before timing, ONNX
 * Runtime's outputs are checked against Fovea's: a wrong export must fail the bench, not produce a
 * flattering ratio. onnxruntime-node is a devDependency; without it the figure is skipped.
 */
import { exportOnnx } from '../io/onnx/onnx-export.js';
import { mnistCnn } from '../models/mnist-cnn.js';
import type { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/create.js';

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

const PIXELS = 28 * 28;

export interface OnnxBenchOptions {
  /** MNIST test images, [N, 28, 28, 1] flattened. */
  images: Float32Array;
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

function imageTensor(ort: OnnxRuntime, images: Float32Array, start: number, count: number): unknown {
  return new ort.Tensor('float32', images.slice(start * PIXELS, (start + count) * PIXELS), [count, 28, 28, 1]);
}

/** The first `samples` images cut into input tensors of at most `batch` images, made before timing. */
function inputBatches(ort: OnnxRuntime, images: Float32Array, samples: number, batch: number): unknown[] {
  const starts = Array.from({ length: Math.ceil(samples / batch) }, (_, i) => i * batch);
  return starts.map((start) => imageTensor(ort, images, start, Math.min(batch, samples - start)));
}

async function runOne(session: OrtSession, input: unknown): Promise<OrtTensor> {
  const outputs = await session.run({ [session.inputNames[0]]: input });
  return outputs[session.outputNames[0]];
}

/** Throws unless ONNX Runtime gives Fovea's predictions (shape and values) on one batch. */
async function checkAgreement(ort: OnnxRuntime, session: OrtSession, model: Sequential, images: Float32Array, batch: number): Promise<void> {
  const theirs = await runOne(session, imageTensor(ort, images, 0, batch));
  const ours = model.predict(tensor(images.slice(0, batch * PIXELS), [batch, 28, 28, 1]));
  if (theirs.dims.join(',') !== ours.shape.join(',')) {
    throw new Error(`bench: ONNX Runtime output shape [${theirs.dims.join(', ')}] differs from Fovea's [${ours.shape.join(', ')}] on the seed CNN`);
  }
  const values = ours.dataSync();
  let diff = 0;
  for (let i = 0; i < values.length; i++) diff = Math.max(diff, Math.abs(theirs.data[i] - values[i]));
  if (!(diff <= ONNX_AGREEMENT)) {
    throw new Error(`bench: ONNX Runtime disagrees with Fovea on the seed CNN: max abs diff ${diff} > ${ONNX_AGREEMENT} over ${batch} images`);
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

/** Inference samples/s of the seed CNN in ONNX Runtime, after the agreement check and a warm-up batch. */
export async function onnxInferThroughput(ort: OnnxRuntime, o: OnnxBenchOptions): Promise<number> {
  const model = mnistCnn({ seed: 1 });
  const session = await ort.InferenceSession.create(exportOnnx(model), { intraOpNumThreads: o.threads, interOpNumThreads: 1 });
  try {
    await checkAgreement(ort, session, model, o.images, Math.min(o.batch, o.samples));
    const batches = inputBatches(ort, o.images, o.samples, o.batch);
    await runOne(session, batches[0]);
    return o.samples / (await bestSeconds(session, batches, o.reps));
  } finally {
    await session.release();
  }
}

/** The ONNX Runtime figure, or why it was skipped. */
export async function benchOnnxRuntime(o: OnnxBenchOptions, specifier = ONNX_RUNTIME_PACKAGE): Promise<OnnxBench> {
  const loaded = await importOnnxRuntime(specifier);
  if ('skipped' in loaded) return loaded;
  return { inferSamplesPerSec: await onnxInferThroughput(loaded.ort, o) };
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
