import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../backend/engine.js';
import '../node/install-collector.js';
import { importOnnxRuntime } from './bench-onnx.js';
import { BENCH_MODEL_NAMES, benchModelsByName, resolveApi } from './bench-models.js';
import { runZooBench, type ZooBenchResult } from './bench-zoo.js';

const ortMissing = 'skipped' in (await importOnnxRuntime()) ? 'onnxruntime-node is not installed' : false;
/** torch_zoo.py's `params` per model. */
const TORCH_PARAMS: Record<string, number> = { 'mnist-cnn': 93322, lenet5: 176050, 'cifar-vgg': 141354, resnet8: 78378, 'mobilenet-mini': 68874 };

test('bench --model all --json: one result line per zoo model, with its params, optimizer, kernels and ONNX Runtime figure', { skip: ortMissing }, async () => {
  const lines: string[] = [];
  await runZooBench({ models: benchModelsByName('all'), steps: 1, warmup: 1, inferSamples: 16, json: true }, (l) => lines.push(l));
  const results = lines.map((l) => JSON.parse(l) as ZooBenchResult);
  assert.deepEqual(results.map((r) => r.model), [...BENCH_MODEL_NAMES]);
  for (const r of results) {
    console.log(`${r.model}: ${JSON.stringify({ api: r.api, train: Math.round(r.trainSamplesPerSec), infer: Math.round(r.inferSamplesPerSec), onnx: Math.round(r.onnxInferSamplesPerSec ?? 0), kernels: r.kernelCallsPerStep })}`);
    assert.equal(r.event, 'result');
    assert.equal(r.params, TORCH_PARAMS[r.model], r.model);
    assert.equal(r.api, r.model === 'resnet8' ? 'functional' : 'sequential');
    assert.equal(r.data, r.model === 'mnist-cnn' || r.model === 'lenet5' ? 'mnist' : 'synthetic');
    assert.deepEqual([r.batch, r.inferBatch, r.inferImages, r.timedSteps, r.warmupSteps], [64, 256, 16, 1, 1]);
    for (const key of ['trainSamplesPerSec', 'trainStepMsMedian', 'inferSamplesPerSec', 'peakRssMB', 'threads', 'onnxInferSamplesPerSec', 'inferRatioToOnnx'] as const) {
      assert.ok(typeof r[key] === 'number' && r[key] > 0, `${r.model} ${key} = ${String(r[key])}`);
    }
    assert.equal(r.onnxSkipped, undefined);
    assert.equal(r.kernelCallsPerStep, Object.values(r.kernelCalls).reduce((a, b) => a + b, 0));
    assert.ok((r.kernelCalls.ApplyOptimizer ?? 0) > 0, `${r.model}: the optimizer ran`);
  }
  assert.match(results[0]!.optimizer, /^RMSprop/);
  assert.match(results[1]!.optimizer, /^SGD\(lr=0\.01, momentum=0\.9\)/);
  assert.equal(results[3]!.optimizer, 'Adam(lr=1e-3)');
  // Depthwise convs run as grouped Conv2D kernels; the residual adds as Binary ones.
  assert.equal(results[4]!.kernelCalls.Conv2D, 9);
});

test('bench --model lenet5,resnet8 --api nn: the nn builds, ONNX Runtime skipped with the reason', async () => {
  const lines: string[] = [];
  const [lenet, resnet] = await runZooBench({ models: benchModelsByName('lenet5,resnet8'), api: 'nn', steps: 1, warmup: 1, inferSamples: 8 }, (l) => lines.push(l));
  assert.deepEqual([lenet!.api, resnet!.api, lenet!.params, resnet!.params], ['nn', 'nn', 176050, 78378]);
  assert.equal(resnet!.onnxSkipped, 'exportOnnx takes Keras-style models; this build is an nn module');
  assert.equal(resnet!.onnxInferSamplesPerSec, undefined);
  assert.match(lines.join('\n'), /^resnet8 \(nn, 78,378 params, Adam\(lr=1e-3\), synthetic data\) on wasm/m);
  assert.match(lines.join('\n'), /onnxruntime inference {2}skipped: exportOnnx takes Keras-style models/);
});

test('bench --model names and --api are checked before anything runs', () => {
  assert.throws(() => benchModelsByName('resnet18,lenet5'), /^Error: bench: unknown model 'resnet18'; available: mnist-cnn, lenet5, cifar-vgg, resnet8, mobilenet-mini, or all$/);
  assert.throws(() => benchModelsByName(','), /bench: unknown model ''/);
  const [resnet8, vgg, seed] = benchModelsByName('resnet8,cifar-vgg,mnist-cnn');
  assert.throws(() => resolveApi(resnet8!, 'sequential'), /bench: resnet8's Keras-style build is a functional Model; use --api functional or --api nn \(got --api sequential\)/);
  assert.throws(() => resolveApi(vgg!, 'functional'), /cifar-vgg's Keras-style build is a Sequential/);
  assert.deepEqual([resolveApi(vgg!, undefined), resolveApi(seed!, 'functional'), resolveApi(resnet8!, 'nn')], ['sequential', 'functional', 'nn']);
});

test('bench --model lenet5 runs in all three APIs: the same 176,050 parameters, the same fused plan for Sequential and functional, no Transpose in the nn step', async () => {
  const [lenet] = benchModelsByName('lenet5');
  assert.equal(resolveApi(lenet!, 'functional'), 'functional');
  const results: ZooBenchResult[] = [];
  for (const api of ['sequential', 'functional', 'nn'] as const) {
    results.push(...(await runZooBench({ models: [lenet!], api, steps: 1, warmup: 1, inferSamples: 8 }, () => {})));
  }
  const [sequential, functional, nnRun] = results;
  assert.deepEqual(results.map((r) => [r.api, r.params]), [['sequential', 176050], ['functional', 176050], ['nn', 176050]]);
  assert.deepEqual(functional!.kernelCalls, sequential!.kernelCalls);
  assert.equal(sequential!.kernelCalls.Conv2DPool, 2);
  assert.equal(nnRun!.kernelCalls.Transpose, undefined, JSON.stringify(nnRun!.kernelCalls));
});
