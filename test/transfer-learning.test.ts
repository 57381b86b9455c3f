// Transfer learning as a Keras user does it: train a CNN, save and load it, freeze its conv base
// (model.trainable = false, or layer by layer by name), build a new head on
// `getLayer(name).output`, and train the head on other classes. The frozen weights (BatchNorm's
// moving statistics included) stay bit for bit, under AdamW's weight decay and SGD's momentum;
// the head learns; summary() counts trainable and non-trainable parameters; unfreezing fine-tunes.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import '../src/backend/engine.js';
import { residualTwoBranch } from '../src/io/io-test-util.js';
import { fromFiles, intoFiles } from '../src/io/memory-handlers.js';
import { loadModel } from '../src/io/model-io.js';
import { BatchNormalization } from '../src/layers/batch-normalization.js';
import { Conv2D } from '../src/layers/conv2d.js';
import { Dense } from '../src/layers/dense.js';
import { GlobalAveragePooling2D } from '../src/layers/global-pooling2d.js';
import type { Layer } from '../src/layers/layer.js';
import type { SymbolicTensor } from '../src/layers/symbolic-tensor.js';
import { MaxPooling2D } from '../src/layers/max-pooling2d.js';
import { Model } from '../src/models/functional.js';
import { Sequential } from '../src/models/sequential.js';
import type { Trainer } from '../src/models/trainer.js';
import { Conv2d, Linear, F, Flatten, ReLU, Sequential as NnSequential } from '../src/nn/index.js';
import { SGD as TorchSGD } from '../src/nn/optim/sgd.js';
import { loadModelFile, saveModelFile } from '../src/node/io/model-formats.js';
import { withTempDir } from '../src/node/temp-dir-test-util.js';
import { tensor } from '../src/ops/create.js';
import { AdamW, SGD } from '../src/optimizers/index.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';

const SIZE = 12;

/** Drawn shapes on faint noise: `kind(n)` picks what image n shows. */
function drawn(count: number, seed: number, kinds: readonly ((img: Float32Array, r: number, c: number, s: number) => void)[]): { x: Tensor; y: Tensor } {
  const rng = new Random(seed);
  const pixels = new Float32Array(count * SIZE * SIZE);
  const labels = new Float32Array(count);
  for (let n = 0; n < count; n++) {
    const img = pixels.subarray(n * SIZE * SIZE, (n + 1) * SIZE * SIZE);
    for (let i = 0; i < img.length; i++) img[i] = rng.uniform(0, 0.1);
    const side = 4 + Math.floor(rng.next() * 4);
    const r = 1 + Math.floor(rng.next() * (SIZE - side - 1));
    const c = 1 + Math.floor(rng.next() * (SIZE - side - 1));
    kinds[n % kinds.length](img, r, c, side);
    labels[n] = n % kinds.length;
  }
  return { x: tensor(pixels, [count, SIZE, SIZE, 1]), y: tensor(labels, [count]) };
}

const paint = (img: Float32Array, r: number, c: number) => void (img[r * SIZE + c] = 0.9);
const filled = (img: Float32Array, r: number, c: number, s: number) => { for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) paint(img, r + i, c + j); };
const outline = (img: Float32Array, r: number, c: number, s: number) => { for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) if (i === 0 || j === 0 || i === s - 1 || j === s - 1) paint(img, r + i, c + j); };
const horizontal = (img: Float32Array, r: number, c: number, s: number) => { for (let j = 0; j < s; j++) paint(img, r + (s >> 1), c + j); };
const vertical = (img: Float32Array, r: number, c: number, s: number) => { for (let i = 0; i < s; i++) paint(img, r + i, c + (s >> 1)); };

function baseModel(): Sequential {
  const m = new Sequential({ seed: 5, name: 'base' });
  m.add(new Conv2D(8, 3, { activation: 'relu', inputShape: [SIZE, SIZE, 1], name: 'conv_a' }));
  m.add(new BatchNormalization({ name: 'bn' }));
  m.add(new MaxPooling2D([2, 2], { name: 'pool' }));
  m.add(new Conv2D(16, 3, { activation: 'relu', name: 'conv_b' }));
  m.add(new GlobalAveragePooling2D({ name: 'features' }));
  m.add(new Dense(3, { activation: 'softmax', name: 'old_head' }));
  return m;
}

async function trainedBase(): Promise<Sequential> {
  const base = baseModel();
  const a = drawn(150, 1, [filled, outline, horizontal]);
  base.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
  await base.fit(a.x, a.y, { epochs: 6, batchSize: 16, verbose: 0 });
  return base;
}

const bits = (w: { dataSync(): ArrayLike<number> }) => Array.from(new Uint32Array(Float32Array.from(w.dataSync()).buffer));
const snapshot = (layers: readonly Layer[]) => layers.flatMap((l) => l.weights.map((w) => ({ name: w.name, bits: bits(w) })));

/** A new functional model on `base`'s features with a fresh 2-class head. */
function withNewHead(base: Sequential): Model {
  const features = base.getLayer('features').output;
  const head = new Dense(2, { activation: 'softmax', name: 'new_head', seed: 9 }).apply(features);
  return new Model({ inputs: base.input, outputs: head, name: 'transfer' });
}

async function trainHead(model: Trainer, optimizer: AdamW | SGD, epochs: number): Promise<{ first: number; last: number; accuracy: number }> {
  const b = drawn(120, 2, [vertical, filled]);
  const check = drawn(60, 3, [vertical, filled]);
  model.compile({ optimizer, loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const history = await model.fit(b.x, b.y, { epochs, batchSize: 12, verbose: 0, seed: 1 });
  const loss = history.history.loss as number[];
  const [, accuracy] = model.evaluate(check.x, check.y, { verbose: 0 });
  return { first: loss[0], last: loss[loss.length - 1], accuracy };
}

test('a frozen base (model.trainable = false) stays bit for bit while a new head learns other classes', async (t) => {
  const files = new Map<string, Uint8Array>();
  await (await trainedBase()).save(intoFiles(files));
  const base = (await loadModel(fromFiles(files))) as Sequential;
  base.trainable = false;
  const model = withNewHead(base);
  const frozenLayers = base.layers.filter((l) => l.name !== 'old_head');
  const before = snapshot(frozenLayers);
  const headBefore = snapshot([model.getLayer('new_head')]);
  const summary = model.summary(() => {});
  // conv_a 80, bn 32, conv_b 1,168 (old_head is not in the new model); new_head 34.
  assert.match(summary, /Total params: 1,314\nTrainable params: 34\nNon-trainable params: 1,280\n/);
  const adamw = await trainHead(model, new AdamW({ learningRate: 0.05, weightDecay: 0.01 }), 15);
  const sgd = await trainHead(model, new SGD({ learningRate: 0.05, momentum: 0.9 }), 2);
  t.diagnostic(`head loss ${adamw.first.toFixed(3)} -> ${adamw.last.toFixed(3)}; accuracy on the new classes ${adamw.accuracy.toFixed(3)} (AdamW), ${sgd.accuracy.toFixed(3)} (SGD momentum)`);
  assert.deepEqual(snapshot(frozenLayers), before, 'frozen weights and BatchNorm statistics unchanged');
  assert.notDeepEqual(snapshot([model.getLayer('new_head')]), headBefore, 'the head was trained');
  assert.ok(adamw.last < adamw.first * 0.5, `head loss ${adamw.first} -> ${adamw.last}`);
  // The new model saves and loads like any functional model, frozen flags included.
  const saved = new Map<string, Uint8Array>();
  await model.save(intoFiles(saved));
  const reloaded = (await loadModel(fromFiles(saved))) as Model;
  const probe = drawn(4, 9, [vertical, filled]).x;
  assert.deepEqual(bits(reloaded.predict(probe) as Tensor), bits(model.predict(probe) as Tensor));
  assert.equal(reloaded.getLayer('conv_a').trainable, false);
  assert.ok(adamw.accuracy >= 0.9 && sgd.accuracy >= 0.9, `accuracy on the new classes ${sgd.accuracy}`);
});

test('freezing by name, then fine-tuning a .keras model: only the unfrozen layers move', async () => {
  await withTempDir('transfer', async (dir) => {
    const path = join(dir, 'base.keras');
    await saveModelFile(await trainedBase(), path);
    const base = (await loadModelFile(path)) as Sequential;
    for (const name of ['conv_a', 'bn']) base.getLayer(name).trainable = false;
    const model = withNewHead(base);
    assert.match(model.summary(() => {}), /Trainable params: 1,202\nNon-trainable params: 112\n/);
    const frozen = snapshot([base.getLayer('conv_a'), base.getLayer('bn')]);
    const tuned = snapshot([base.getLayer('conv_b')]);
    await trainHead(model, new AdamW({ learningRate: 0.005, weightDecay: 0.1 }), 1);
    assert.deepEqual(snapshot([base.getLayer('conv_a'), base.getLayer('bn')]), frozen);
    assert.notDeepEqual(snapshot([base.getLayer('conv_b')]), tuned);
    // Unfreezing the whole model (Keras's second fine-tuning phase) trains everything again.
    model.trainable = true;
    assert.equal(base.getLayer('conv_a').trainable, true);
    await trainHead(model, new SGD({ learningRate: 0.001 }), 1);
    assert.notDeepEqual(snapshot([base.getLayer('conv_a')]), frozen.slice(0, 2));
  });
});

test('a loaded functional model: its features feed a new head; freezing it keeps every base weight', async () => {
  const files = new Map<string, Uint8Array>();
  await residualTwoBranch(3).save(intoFiles(files));
  const base = (await loadModel(fromFiles(files))) as Model;
  base.trainable = false;
  const head = new Dense(2, { activation: 'softmax', name: 'two_way', seed: 1 }).apply(base.getLayer('gap').output);
  const model = new Model({ inputs: base.input as SymbolicTensor, outputs: head });
  const frozen = snapshot(base.layers);
  const rng = new Random(4);
  const x = tensor(Float32Array.from({ length: 16 * 8 * 8 * 2 }, () => rng.normal()), [16, 8, 8, 2]);
  const y = tensor(Float32Array.from({ length: 16 }, (_, i) => i % 2), [16]);
  model.compile({ optimizer: new AdamW({ learningRate: 0.05 }), loss: 'sparse_categorical_crossentropy' });
  await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
  assert.deepEqual(snapshot(base.layers), frozen);
  assert.match(model.summary(() => {}), /Trainable params: 10\n/);
});

test('layer.output and model.input are refused clearly before the graph exists', () => {
  assert.throws(() => new Dense(2, { name: 'lonely' }).output, /Layer "lonely" \(Dense\) has never been called on a symbolic input, so it has no output/);
  assert.throws(() => new Sequential({ name: 'empty' }).input, /Sequential "empty": a symbolic input and output needs the input shape/);
  assert.throws(() => baseModel().getLayer('nope'), /Sequential "base": no layer named "nope"; layers: conv_a, bn, pool, conv_b, features, old_head/);
});

test('nn: parameters with requiresGrad = false get no update from SGD with momentum and weight decay', () => {
  const net = new NnSequential(new Conv2d(1, 4, 3), new ReLU(), new Flatten(), new Linear(4 * 10 * 10, 2));
  const conv = net.parameters().slice(0, 2);
  for (const p of conv) p.requiresGrad = false;
  const before = conv.map(bits);
  const head = net.parameters().slice(2).map(bits);
  const opt = new TorchSGD(net.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
  const data = drawn(8, 4, [vertical, filled]);
  const x = data.x.permute(0, 3, 1, 2);
  for (let step = 0; step < 3; step++) {
    opt.zeroGrad();
    F.crossEntropy(net.forward(x), data.y.int()).backward();
    opt.step();
  }
  assert.deepEqual(conv.map(bits), before);
  assert.notDeepEqual(net.parameters().slice(2).map(bits), head);
});
