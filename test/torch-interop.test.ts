/**
 * PyTorch files both ways, checked by real PyTorch (Debian's python3-torch; .ci/run installs it
 * with scripts/install-torch.sh). At test time torch writes the fixtures (scripts/torch-fixtures.py):
 * LeNet-5 and the Keras course CNN freshly initialised, odd tensors, a checkpoint dict and a
 * malicious pickle; Fovea reads them and must give torch's values and predictions. Fovea then
 * writes .pt and .safetensors files that torch loads strictly into the same architectures
 * (scripts/torch-predict.py) with Fovea's predictions. Skipped without torch, except under CI.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pytorchStateDict } from '../src/io/pytorch-state-dict.js';
import { loadPytorchWeights } from '../src/io/pytorch-weights.js';
import { writeSafetensors } from '../src/io/safetensors.js';
import { readTorchFile } from '../src/io/torch/read-torch-file.js';
import {
  assertTensorLike, maxAbsDiff, nchwToNhwc, readFixture, runPython, torchPython, type TorchTensorJson,
} from '../src/io/torch/torch-test-util.js';
import { writeTorchFile } from '../src/io/torch/write-torch-file.js';
import { ModelFormatError } from '../src/io/model-format-error.js';
import { mnistCnn } from '../src/models/mnist-cnn.js';
import { tensor } from '../src/ops/create.js';
import { lenet5 } from '../src/zoo/lenet5.js';

const found = torchPython();
const skip = 'skip' in found ? found.skip : false;
const python = 'python' in found ? found.python : '';
const dir = mkdtempSync(join(tmpdir(), 'fovea-torch-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let generated = false;

/** The full fixture set, written once by real torch. */
function fixtures(): string {
  if (!generated) runPython(python, 'scripts/torch-fixtures.py', [dir]);
  generated = true;
  return dir;
}

/** torch's predictions for `weights` loaded strictly into its definition of `model`. */
function torchPredict(model: string, weights: string, input: TorchTensorJson): number[] {
  const inputPath = join(dir, `${model}-input.json`);
  writeFileSync(inputPath, JSON.stringify(input));
  return (JSON.parse(runPython(python, 'scripts/torch-predict.py', ['--model', model, '--weights', weights, '--input', inputPath])) as TorchTensorJson).values;
}

test('LeNet-5 saved by torch loads into the zoo\'s nn LeNet-5 with every value exact and torch\'s predictions', { skip }, (t) => {
  const fixture = readFixture(fixtures(), 'lenet5');
  const dict = readTorchFile(fixture.bytes, { file: 'lenet5.pt' });
  for (const [key, want] of Object.entries(fixture.tensors)) assertTensorLike(dict[key], want, key, 0);
  const net = lenet5({ seed: 9 });
  net.loadStateDict(dict);
  const input = fixture.input!;
  const out = net.forward(tensor(Float32Array.from(input.values), input.shape)).dataSync();
  const diff = maxAbsDiff(out, fixture.output!.values);
  t.diagnostic(`max abs diff ${diff}`);
  assert.ok(diff <= 1e-6, `log-probabilities: max abs diff ${diff}`);
});

test('the Keras course CNN saved by torch (nn.Sequential) loads into the Keras-style zoo model with torch\'s predictions', { skip }, (t) => {
  const fixture = readFixture(fixtures(), 'mnist-cnn');
  const model = mnistCnn({ seed: 9 });
  loadPytorchWeights(model, readTorchFile(fixture.bytes));
  const input = fixture.input!;
  const [n, c, h, w] = input.shape;
  const out = model.predict(tensor(nchwToNhwc(input.values, input.shape), [n, h, w, c])).dataSync();
  const diff = maxAbsDiff(out, fixture.output!.values);
  t.diagnostic(`max abs diff ${diff}`);
  assert.ok(diff <= 1e-6, `probabilities: max abs diff ${diff}`);
});

test('odd tensors torch wrote today (Parameter, half, bfloat16, views, int64, bool) read as torch holds them', { skip }, (t) => {
  const fixture = readFixture(fixtures(), 'tensors');
  const dict = readTorchFile(fixture.bytes);
  for (const [key, want] of Object.entries(fixture.tensors)) assertTensorLike(dict[key], want, key, 0);
});

test('a checkpoint dict is refused with a hint, and its entry reads', { skip }, (t) => {
  const file = join(fixtures(), 'checkpoint.pt');
  const checkpoint = new Uint8Array(readFileSync(file));
  assert.throws(() => readTorchFile(checkpoint, { file: 'checkpoint.pt' }), (e: unknown) => e instanceof ModelFormatError && /'model' is a dict of 10, not a tensor; for a checkpoint dict pass \{ entry: 'model' \}/.test(e.message));
  const dict = readTorchFile(checkpoint, { entry: 'model' });
  assert.equal(Object.keys(dict).length, 10);
});

test('a malicious file torch.save wrote (its pickle calls os.system) is refused naming the global, and nothing runs', { skip }, (t) => {
  const path = join(fixtures(), 'malicious.pt');
  assert.throws(() => readTorchFile(new Uint8Array(readFileSync(path)), { file: 'malicious.pt' }), (e: unknown) => e instanceof ModelFormatError && /the pickle names the global '(posix|os)\.system'.*refused/.test(e.message));
  assert.equal(existsSync(join(dir, 'pwned')), false, 'the payload did not run');
  // The payload is real: plain torch.load (weights_only=False) runs it and the marker appears.
  const load = spawnSync(python, ['-c', 'import sys, torch; torch.load(sys.argv[1])', path], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(load.status, 0, load.stderr);
  assert.equal(existsSync(join(dir, 'pwned')), true, 'torch.load without weights_only ran the payload');
});

test('Fovea writes .pt and .safetensors state dicts that torch loads strictly into LeNet-5 and the course CNN, with Fovea\'s predictions', { skip }, (t) => {
  const input: TorchTensorJson = { shape: [2, 1, 28, 28], dtype: 'float32', values: Array.from({ length: 2 * 784 }, (_, i) => ((i * 7919) % 1000) / 1000) };
  const x = tensor(Float32Array.from(input.values), input.shape);

  const net = lenet5({ seed: 5 });
  const netOut = net.forward(x).dataSync();
  writeFileSync(join(dir, 'lenet5-out.pt'), writeTorchFile(net.stateDict()));
  writeFileSync(join(dir, 'lenet5-out.safetensors'), writeSafetensors(net.stateDict()));
  for (const file of ['lenet5-out.pt', 'lenet5-out.safetensors']) {
    const diff = maxAbsDiff(torchPredict('lenet5', join(dir, file), input), netOut);
    t.diagnostic(`max abs diff ${diff}`);
    assert.ok(diff <= 1e-6, `${file}: max abs diff ${diff}`);
  }

  const model = mnistCnn({ seed: 6 });
  const modelOut = model.predict(tensor(nchwToNhwc(input.values, input.shape), [2, 28, 28, 1])).dataSync();
  writeFileSync(join(dir, 'cnn-out.pt'), writeTorchFile(pytorchStateDict(model)));
  writeFileSync(join(dir, 'cnn-out.safetensors'), writeSafetensors(pytorchStateDict(model)));
  for (const file of ['cnn-out.pt', 'cnn-out.safetensors']) {
    const diff = maxAbsDiff(torchPredict('mnist-cnn', join(dir, file), input), modelOut);
    t.diagnostic(`max abs diff ${diff}`);
    assert.ok(diff <= 1e-6, `${file}: max abs diff ${diff}`);
  }
});
