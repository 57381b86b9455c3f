/**
 * ONNX Runtime (onnxruntime-node, a devDependency) for the export tests: loaded once, optional, so
 * the tests skip with a reason when it is not installed.
 */
import type { Tensor } from '../src/tensor/tensor.js';

interface OrtTensor { data: Float32Array; dims: readonly number[] }
interface OrtSession { inputNames: readonly string[]; outputNames: readonly string[]; run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>> }
interface Ort {
  InferenceSession: { create(bytes: Uint8Array): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;
}

// A variable specifier keeps tsc from requiring the package when it is not installed.
const ORT = 'onnxruntime-node';
let ort: Ort | null = null;
try {
  ort = (await import(ORT)) as Ort;
} catch {
  ort = null;
}

/** The `skip` option of tests that need ONNX Runtime. */
export const skipWithoutOrt: string | false = ort === null ? `${ORT} is not installed: add it as a devDependency to check ONNX export` : false;

/** Runs the ONNX model `bytes` on `x` (its first input) in ONNX Runtime: every output, in order. */
export async function runOnnxOutputs(bytes: Uint8Array, x: Tensor): Promise<OrtTensor[]> {
  if (ort === null) throw new Error(`runOnnx: ${ORT} is not installed`);
  const session = await ort.InferenceSession.create(bytes);
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', Float32Array.from(x.dataSync()), x.shape) };
  const result = await session.run(feeds);
  return session.outputNames.map((name) => result[name]);
}

/** The first output of `bytes` run on `x`. */
export async function runOnnx(bytes: Uint8Array, x: Tensor): Promise<OrtTensor> {
  return (await runOnnxOutputs(bytes, x))[0];
}
