/**
 * The README's "Scaling out" commands, each run as written and checked against the peer that
 * takes the model over: ONNX Runtime (onnxruntime-node, a devDependency) serving the exported
 * model, PyTorch (real torch, scripts/install-torch.sh) loading the state dict strictly, training
 * on, and handing the weights back, Keras's .keras archive (Keras itself is not installable here,
 * so Fovea reads the archive back), and one machine's cores (FOVEA_THREADS). Tests needing a
 * missing peer are skipped, except under CI.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import '../src/backend/engine.js';
import { saveModel } from '../src/io/model-io.js';
import { maxAbsDiff, nchwToNhwc, runPython, torchPython, type TorchTensorJson } from '../src/io/torch/torch-test-util.js';
import { mnistCnn } from '../src/models/mnist-cnn.js';
import { loadModelFile } from '../src/node/io/model-formats.js';
import { tensor } from '../src/ops/create.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { lenet5 } from '../src/zoo/lenet5.js';
import { loadTorchFile, saveTorchFile } from '../src/node/io/torch-file.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fovea-scaling-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** `fovea <args>` as a user runs it (the built CLI), failing with its stderr. */
function fovea(...args: string[]): string {
  const run = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, `fovea ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return run.stdout;
}

/** Two images in [0, 1): NHWC for Fovea's Keras-style models, NCHW for PyTorch. */
const imagesNchw: TorchTensorJson = { shape: [2, 1, 28, 28], dtype: 'float32', values: Array.from({ length: 2 * 784 }, (_, i) => ((i * 7919) % 1000) / 1000) };
const imagesNhwc = (): Tensor => tensor(nchwToNhwc(imagesNchw.values, imagesNchw.shape), [2, 28, 28, 1]);

/** A trained-looking Keras-style model saved where the README's commands expect it (./my-model). */
let saved: Promise<ReturnType<typeof mnistCnn>> | null = null;
function myModel(): Promise<ReturnType<typeof mnistCnn>> {
  saved ??= (async () => {
    const model = mnistCnn({ seed: 11 });
    await saveModel(model, join(dir, 'my-model'));
    return model;
  })();
  return saved;
}

// onnxruntime-node is a devDependency; a variable specifier keeps tsc from requiring it.
interface OrtSession { inputNames: readonly string[]; outputNames: readonly string[]; run(feeds: Record<string, unknown>): Promise<Record<string, { data: Float32Array }>> }
interface Ort { InferenceSession: { create(path: string): Promise<OrtSession> }; Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown }
const ORT = 'onnxruntime-node';
const ort = (await import(ORT).catch(() => null)) as Ort | null;
const ortSkip = ort === null && process.env['CI'] === undefined ? `${ORT} is not installed` : false;

test('serve with ONNX Runtime: `fovea convert ./my-model model.onnx`, then onnxruntime-node predicts what Fovea does', { skip: ortSkip }, async (t) => {
  const model = await myModel();
  fovea('convert', './my-model', 'model.onnx');
  assert.ok(ort !== null, `${ORT} must be installed under CI`);
  const session = await ort.InferenceSession.create(join(dir, 'model.onnx'));
  const x = imagesNhwc();
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', Float32Array.from(x.dataSync()), x.shape) };
  const probs = (await session.run(feeds))[session.outputNames[0]].data;
  const diff = maxAbsDiff(probs, model.predict(x).dataSync());
  t.diagnostic(`max abs diff ${diff}`);
  assert.ok(diff <= 1e-6, `ONNX Runtime vs Fovea: max abs diff ${diff}`);
});

const found = torchPython();
const torchSkip = 'skip' in found ? found.skip : false;
const python = 'python' in found ? found.python : '';

/** torch-predict.py: load strictly into torch's definition, optionally train on and save. */
function torchRun(model: string, weights: string, extra: string[] = []): number[] {
  writeFileSync(join(dir, 'images.json'), JSON.stringify(imagesNchw));
  const out = runPython(python, 'scripts/torch-predict.py', ['--model', model, '--weights', join(dir, weights), '--input', join(dir, 'images.json'), ...extra]);
  return (JSON.parse(out) as TorchTensorJson).values;
}

test('continue training in PyTorch (Keras-style model): `fovea convert ./my-model model.pt`, torch loads it strictly with the same predictions, trains on, and `fovea convert trained.pt ./trained --architecture mnist-cnn` brings the weights back', { skip: torchSkip }, async (t) => {
  const model = await myModel();
  fovea('convert', './my-model', 'model.pt');
  const diff = maxAbsDiff(torchRun('mnist-cnn', 'model.pt'), model.predict(imagesNhwc()).dataSync());
  t.diagnostic(`max abs diff ${diff}`);
  assert.ok(diff <= 1e-6, `torch vs Fovea: max abs diff ${diff}`);

  const trained = torchRun('mnist-cnn', 'model.pt', ['--train-steps', '3', '--save', join(dir, 'trained.pt')]);
  fovea('convert', 'trained.pt', './trained', '--architecture', 'mnist-cnn');
  const back = await loadModelFile(join(dir, 'trained'));
  const diffBack = maxAbsDiff((back.predict(imagesNhwc()) as Tensor).dataSync(), trained);
  t.diagnostic(`diffBack: max abs diff ${diffBack}`);
  assert.ok(diffBack <= 1e-6, `Fovea after torch's training vs torch: max abs diff ${diffBack}`);
  assert.ok(maxAbsDiff(trained, model.predict(imagesNhwc()).dataSync()) > 1e-4, 'training in torch changed the predictions');
});

test('continue training in PyTorch (nn module): saveTorchFile(\'lenet5.pt\', net.stateDict()) loads strictly into torch\'s LeNet-5 with the same predictions, and loadTorchFile takes torch\'s trained state dict back', { skip: torchSkip }, async (t) => {
  const net = lenet5({ seed: 12 });
  const x = tensor(Float32Array.from(imagesNchw.values), imagesNchw.shape);
  await saveTorchFile(join(dir, 'lenet5.pt'), net.stateDict());
  const diff = maxAbsDiff(torchRun('lenet5', 'lenet5.pt'), net.forward(x).dataSync());
  t.diagnostic(`max abs diff ${diff}`);
  assert.ok(diff <= 1e-6, `torch vs Fovea: max abs diff ${diff}`);

  const trained = torchRun('lenet5', 'lenet5.pt', ['--train-steps', '3', '--save', join(dir, 'lenet5-trained.pt')]);
  net.loadStateDict(await loadTorchFile(join(dir, 'lenet5-trained.pt')));
  const diffBack = maxAbsDiff(net.forward(x).dataSync(), trained);
  t.diagnostic(`diffBack: max abs diff ${diffBack}`);
  assert.ok(diffBack <= 1e-6, `Fovea after torch's training vs torch: max abs diff ${diffBack}`);
});

test('continue in Keras: `fovea convert ./my-model model.keras` writes a Keras 3 archive that reads back with the same predictions', async (t) => {
  const model = await myModel();
  fovea('convert', './my-model', 'model.keras');
  const back = await loadModelFile(join(dir, 'model.keras'));
  assert.deepEqual([...(back.predict(imagesNhwc()) as Tensor).dataSync()], [...model.predict(imagesNhwc()).dataSync()]);
});

test('one machine: FOVEA_THREADS=1 and =2 run `fovea predict`-style inference on 1 and 2 threads with identical predictions', async (t) => {
  await myModel();
  const script = `
    import { loadModel, defaultThreads, tensor } from ${JSON.stringify(join(ROOT, 'dist/src/node.js'))};
    const model = await loadModel(${JSON.stringify(join(dir, 'my-model'))});
    const x = tensor(Float32Array.from({ length: 2 * 784 }, (_, i) => (i % 97) / 97), [2, 28, 28, 1]);
    console.log(JSON.stringify({ threads: defaultThreads(), y: Array.from(model.predict(x).dataSync()) }));`;
  const runs = ['1', '2'].map((threads) => {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, FOVEA_THREADS: threads }, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout.trim().split('\n').pop()!) as { threads: number; y: number[] };
  });
  assert.deepEqual(runs.map((r) => r.threads), [1, 2]);
  assert.deepEqual(runs[1].y, runs[0].y);
});
