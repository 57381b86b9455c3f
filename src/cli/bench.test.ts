import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../backend/engine.js';
import { loadMnist } from '../data/mnist.js';
import { benchOnnxRuntime, describeOnnx, importOnnxRuntime, onnxInferThroughput, onnxResultFields, type OnnxRuntime } from './bench-onnx.js';
import { runBench } from './bench.js';

const ortMissing = 'skipped' in (await importOnnxRuntime()) ? 'onnxruntime-node is not installed' : false;

test('bench --json ends with the result line, carrying the ONNX Runtime figure and its ratio', { skip: ortMissing }, async () => {
  const lines: string[] = [];
  await runBench({ backend: 'wasm', steps: 1, warmup: 1, refSteps: 1, inferSamples: 64, json: true }, (line) => lines.push(line));
  const result = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
  assert.equal(result.event, 'result');
  for (const key of ['trainSamplesPerSec', 'inferSamplesPerSec', 'threads', 'peakRssMB', 'trainRatioToRef', 'inferRatioToRef', 'onnxInferSamplesPerSec', 'inferRatioToOnnx']) {
    assert.ok(typeof result[key] === 'number' && result[key] > 0, `${key} = ${String(result[key])}`);
  }
  assert.equal(result.inferRatioToOnnx, (result.inferSamplesPerSec as number) / (result.onnxInferSamplesPerSec as number));
});

test('a missing onnxruntime-node skips the figure with the reason and adds no JSON fields', async () => {
  const onnx = await benchOnnxRuntime({ images: new Float32Array(784), samples: 1, batch: 1, threads: 1, reps: 1 }, 'onnxruntime-node-not-installed');
  assert.ok('skipped' in onnx);
  assert.match(onnx.skipped, /^onnxruntime-node-not-installed is not importable \(.+\)$/);
  assert.deepEqual(onnxResultFields(onnx, 100), {});
  assert.match(describeOnnx(onnx, 'wasm', 100), /^ {2}onnxruntime inference {2}skipped: onnxruntime-node-not-installed/);
  assert.equal(describeOnnx({ inferSamplesPerSec: 400 }, 'wasm', 100), '  onnxruntime inference  400 samples/s (Fovea wasm = 0.25x)');
});

test('an ONNX Runtime that disagrees with Fovea fails the bench before anything is timed', async () => {
  let runs = 0;
  const session = {
    inputNames: ['x'],
    outputNames: ['y'],
    async run(feeds: Record<string, unknown>) {
      runs++;
      const n = (feeds.x as { dims: number[] }).dims[0];
      return { y: { data: new Float32Array(n * 10).fill(0.1), dims: [n, 10] } };
    },
    async release() {},
  };
  class FakeTensor {
    constructor(readonly type: string, readonly data: Float32Array, readonly dims: readonly number[]) {}
  }
  const fake: OnnxRuntime = { InferenceSession: { create: async () => session }, Tensor: FakeTensor };
  const images = loadMnist({ limitTrain: 1, limitTest: 8 }).testImages.dataSync() as Float32Array;
  await assert.rejects(onnxInferThroughput(fake, { images, samples: 8, batch: 4, threads: 1, reps: 1 }), /ONNX Runtime disagrees with Fovea on the seed CNN: max abs diff 0\.\d+ > 0\.0001 over 4 images/);
  assert.equal(runs, 1);
});

test('bench --api builds the seed CNN three ways; each training step runs the planned Conv2DPool, never Pool2D', async () => {
  for (const api of ['sequential', 'functional', 'nn'] as const) {
    const lines: string[] = [];
    await runBench({ backend: 'wasm', steps: 1, warmup: 1, refSteps: 1, inferSamples: 64, json: true, api }, (line) => lines.push(line));
    const result = JSON.parse(lines[lines.length - 1]!) as { api: string; kernelCalls: Record<string, number>; trainSamplesPerSec: number };
    assert.equal(result.api, api);
    assert.ok(result.trainSamplesPerSec > 0);
    assert.equal(result.kernelCalls.Conv2DPool, 2, `${api}: ${JSON.stringify(result.kernelCalls)}`);
    assert.equal(result.kernelCalls.Pool2D, undefined, api);
    assert.equal(result.kernelCalls.Pool2DReluBiasGrad, 2, api);
  }
});
