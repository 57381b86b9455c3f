/**
 * Functional models in the TensorFlow.js layers format: the topology written (Keras 2's
 * inbound_nodes, input_layers, output_layers), and save -> load giving the same model
 * (bit-identical predictions, optimizer state that resumes training exactly). TensorFlow.js
 * itself reading these files is checked in test/tfjs-interop.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dense } from '../layers/dense.js';
import { input } from '../layers/input.js';
import { Add } from '../layers/merge.js';
import { Model } from '../models/functional.js';
import { tensor } from '../ops/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { bits, randomInput, residualTwoBranch, twoInTwoOut } from './io-test-util.js';
import { fromFiles, intoFiles } from './memory-handlers.js';
import { loadModel, saveModel } from './model-io.js';

type Entry = { name: string; class_name: string; inbound_nodes: unknown[][] };

async function saved(model: Model, options = {}): Promise<{ files: Map<string, Uint8Array>; topology: { class_name: string; config: { layers: Entry[]; input_layers: unknown; output_layers: unknown } } }> {
  const files = new Map<string, Uint8Array>();
  await saveModel(model, intoFiles(files), options);
  const json = JSON.parse(new TextDecoder().decode(files.get('model.json')));
  return { files, topology: json.modelTopology };
}

const list = (y: Tensor | Tensor[]): Tensor[] => (Array.isArray(y) ? y : [y]);

function assertSamePredictions(a: Model, b: Model, x: Tensor | Tensor[]): void {
  const ya = list(a.predict(x));
  const yb = list(b.predict(x));
  assert.equal(yb.length, ya.length);
  ya.forEach((y, i) => assert.deepEqual(bits(yb[i].dataSync()), bits(y.dataSync()), `output ${i}`));
}

test('a residual model with two branches is written as a functional topology and loads back identical', async () => {
  const model = residualTwoBranch(4);
  const { files, topology } = await saved(model);
  assert.equal(topology.class_name, 'Model');
  assert.deepEqual(topology.config.input_layers, [['image', 0, 0]]);
  assert.deepEqual(topology.config.output_layers, [['probs', 0, 0]]);
  const add = topology.config.layers.find((l) => l.name === 'residual') as Entry;
  assert.deepEqual(add.inbound_nodes, [[['stem', 0, 0, {}], ['branch_a', 0, 0, {}], ['branch_b', 0, 0, {}]]]);
  const loaded = await loadModel(fromFiles(files));
  assert.ok(loaded instanceof Model, `loaded a ${loaded.constructor.name}`);
  assert.deepEqual(loaded.layers.map((l) => l.name), model.layers.map((l) => l.name));
  assert.deepEqual(loaded.weights.map((w) => w.name), model.weights.map((w) => w.name));
  assertSamePredictions(loaded, model, randomInput(5, [8, 8, 2], 7));
});

test('two inputs, two outputs and a shared layer round-trip with the optimizer, and training resumes exactly', async () => {
  const model = twoInTwoOut(2);
  model.compile({ optimizer: 'adam', loss: ['categorical_crossentropy', 'mse'], metrics: { probs: ['accuracy'] }, lossWeights: [1, 0.5] });
  const x = [randomInput(6, [8, 8, 1], 1), randomInput(6, [3], 2)];
  const y = [tensor(Float32Array.from({ length: 18 }, (_, i) => (i % 3 === i % 2 ? 1 : 0)), [6, 3]), randomInput(6, [1], 3)];
  model.trainOnBatch(x, y);
  const { files, topology } = await saved(model, { includeOptimizer: true });
  assert.deepEqual(topology.config.input_layers, [['image', 0, 0], ['meta', 0, 0]]);
  assert.deepEqual(topology.config.output_layers, [['probs', 0, 0], ['value', 0, 0]]);
  const shared = topology.config.layers.find((l) => l.name === 'shared') as Entry;
  assert.deepEqual(shared.inbound_nodes, [[['gap', 0, 0, {}]], [['meta', 0, 0, {}]]]);
  const joined = topology.config.layers.find((l) => l.name === 'joined') as Entry;
  assert.deepEqual(joined.inbound_nodes, [[['shared', 0, 0, {}], ['shared', 1, 0, {}]]]);

  const loaded = await loadModel(fromFiles(files));
  assert.ok(loaded instanceof Model);
  assert.deepEqual(loaded.metricsNames, model.metricsNames);
  assert.deepEqual(loaded.lossNames, model.lossNames);
  assertSamePredictions(loaded, model, x);
  const after = [model.trainOnBatch(x, y), loaded.trainOnBatch(x, y)];
  assert.deepEqual(after[1], after[0]);
  model.weights.forEach((w, i) => assert.deepEqual(bits(loaded.weights[i].dataSync()), bits(w.dataSync()), w.name));
});

test('node indices count only the calls inside the saved model', async () => {
  const dense = new Dense(2, { name: 'reused' });
  dense.apply(input({ shape: [4], name: 'elsewhere' })); // a call in another graph: node 0 of the layer
  const x = input({ shape: [4], name: 'x' });
  const model = new Model({ inputs: x, outputs: new Dense(1, { name: 'head' }).apply(dense.apply(x)), seed: 3 });
  const { files, topology } = await saved(model);
  const head = topology.config.layers.find((l) => l.name === 'head') as Entry;
  assert.deepEqual(head.inbound_nodes, [[['reused', 0, 0, {}]]]);
  const loaded = await loadModel(fromFiles(files));
  assert.ok(loaded instanceof Model);
  assertSamePredictions(loaded, model, randomInput(3, [4], 5));
});

test('a model the format cannot describe is refused before anything is written', async () => {
  const x = input({ shape: [4] });
  const model = new Model({ inputs: x, outputs: new Add({ name: 'lonely' }).apply([new Dense(2).apply(x)]) });
  const files = new Map([['model.json', new Uint8Array([1])]]);
  await assert.rejects(saveModel(model, intoFiles(files)), /layer 'lonely' \(Add\) was called on a list of one tensor.*save as \.keras/);
  assert.deepEqual([...files.keys()], ['model.json']);
  assert.deepEqual([...(files.get('model.json') as Uint8Array)], [1]);
});
