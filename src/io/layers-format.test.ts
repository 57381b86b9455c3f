import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../ops/create.js';
import { bits, smallCnn } from './io-test-util.js';
import { artifactsToFiles, checkShardPath } from './layers-format.js';
import { fromFiles } from './memory-handlers.js';
import { artifactsToModel } from './artifacts-to-model.js';
import { modelToArtifacts } from './model-artifacts.js';
import { loadModel } from './model-io.js';
import { ModelFormatError } from './model-format-error.js';
import { Sequential } from '../models/sequential.js';

const encoder = new TextEncoder();
const f32 = (values: number[]): Uint8Array => new Uint8Array(new Float32Array(values).buffer);

test('weights straddle shards of the chosen size and load back', async () => {
  const model = smallCnn(2);
  const files = artifactsToFiles(modelToArtifacts(model), { shardSizeBytes: 64 });
  const total = model.weights.reduce((n, w) => n + w.size * 4, 0);
  assert.equal(files.shards.size, Math.ceil(total / 64));
  assert.ok([...files.shards.values()].slice(0, -1).every((s) => s.byteLength === 64));
  const json = JSON.parse(new TextDecoder().decode(files.modelJson));
  assert.deepEqual(json.weightsManifest[0].paths[0], `group1-shard1of${files.shards.size}.bin`);
  assert.equal(json.format, 'layers-model');
  const loaded = await loadModel(fromFiles(new Map([['model.json', files.modelJson], ...files.shards])));
  model.weights.forEach((w, i) => assert.deepEqual(bits(loaded.weights[i].dataSync()), bits(w.dataSync())));
});

/** A tiny Dense model in the JSON the Python converter writes (Keras 2 names, model_config nesting). */
function pythonConverterFiles(): Map<string, Uint8Array> {
  const json = {
    format: 'layers-model',
    generatedBy: 'keras v2.13.1',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: {
      keras_version: '2.13.1',
      backend: 'tensorflow',
      model_config: {
        class_name: 'Sequential',
        config: {
          name: 'sequential',
          layers: [
            { class_name: 'InputLayer', config: { batch_input_shape: [null, 2], dtype: 'float32', sparse: false, ragged: false, name: 'dense_input' } },
            { class_name: 'Dense', config: { name: 'dense', trainable: true, dtype: 'float32', units: 2, activation: 'linear', use_bias: true,
              kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} },
              kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null } },
          ],
        },
      },
      training_config: null,
    },
    weightsManifest: [{
      paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'],
      weights: [
        { name: 'dense/kernel', shape: [2, 2], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
        { name: 'dense/bias', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } },
      ],
    }],
  };
  // uint8 kernel [1, 3, 5, 7] -> [-0.5, 0.5, 1.5, 2.5]; float16 bias [0.5, -1] (0x3800, 0xbc00); split mid-weight.
  const bytes = new Uint8Array([1, 3, 5, 7, 0x00, 0x38, 0x00, 0xbc]);
  return new Map([['model.json', encoder.encode(JSON.stringify(json))], ['group1-shard1of2.bin', bytes.slice(0, 5)], ['group1-shard2of2.bin', bytes.slice(5)]]);
}

test('reads the Python converter dialect with quantized weights straddling shards', async () => {
  const model = await loadModel(fromFiles(pythonConverterFiles()));
  assert.deepEqual([...model.weights[0].dataSync()], [-0.5, 0.5, 1.5, 2.5]);
  assert.deepEqual([...model.weights[1].dataSync()], [0.5, -1]);
  // x [1, 2] @ [[-0.5, 0.5], [1.5, 2.5]] + [0.5, -1]
  assert.ok(model instanceof Sequential);
  assert.deepEqual([...model.predict(tensor([[1, 2]])).dataSync()], [3, 4.5]);
});

test('reads the TensorFlow.js dialect (tfjs layer names, VarianceScaling initializers)', () => {
  const topology = {
    class_name: 'Sequential',
    config: { name: 'sequential_1', layers: [
      { class_name: 'Dense', config: { units: 1, activation: 'relu', use_bias: true, name: 'dense_Dense1', trainable: true, batch_input_shape: [null, 3], dtype: 'float32',
        kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'normal', seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} } } },
    ] },
    keras_version: 'tfjs-layers 4.22.0',
    backend: 'tensor_flow.js',
  };
  const weightData = new Uint8Array([...f32([1, 2, 3]), ...f32([0.5])]).buffer;
  const model = artifactsToModel({ modelTopology: topology, weightSpecs: [{ name: 'dense_Dense1/kernel', shape: [3, 1], dtype: 'float32' }, { name: 'dense_Dense1/bias', shape: [1], dtype: 'float32' }], weightData });
  assert.equal(model.name, 'sequential_1');
  assert.ok(model instanceof Sequential);
  assert.deepEqual([...model.predict(tensor([[1, 1, 1]])).dataSync()], [6.5]);
});

test('a truncated shard is reported with its name and the weight it cuts', async () => {
  const files = pythonConverterFiles();
  files.set('group1-shard2of2.bin', new Uint8Array([0x00]));
  await assert.rejects(loadModel(fromFiles(files)), (e: unknown) =>
    e instanceof ModelFormatError && e.file === 'group1-shard2of2.bin' && /holds 6 bytes, the manifest needs 8: weight 'dense\/bias' \[2\] ends at byte 8/.test(e.message));
  files.delete('group1-shard2of2.bin');
  await assert.rejects(loadModel(fromFiles(files)), /group1-shard2of2.bin: weight file is missing/);
});

test('manifest paths cannot leave the model folder', () => {
  for (const bad of ['../x.bin', '/etc/passwd', 'a/../../b', 'http://x/y.bin', 'C:\\x.bin', '']) {
    assert.throws(() => checkShardPath(bad, 'model.json'), ModelFormatError, bad);
  }
  assert.equal(checkShardPath('./group1-shard1of1.bin', 'model.json'), 'group1-shard1of1.bin');
  assert.equal(checkShardPath('sub/w.bin', 'model.json'), 'sub/w.bin');
});

test('reads the Keras 3 config dialect (batch_shape, DTypePolicy, module / registered_name)', () => {
  const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
  const topology = {
    module: 'keras', class_name: 'Sequential', registered_name: null,
    config: { name: 'seq3', trainable: true, dtype: policy, layers: [
      { module: 'keras.layers', class_name: 'InputLayer', registered_name: null, config: { batch_shape: [null, 2], dtype: 'float32', sparse: false, name: 'input_layer' } },
      { module: 'keras.layers', class_name: 'Dense', registered_name: null, build_config: { input_shape: [null, 2] },
        config: { name: 'dense', trainable: true, dtype: policy, units: 1, activation: 'linear', use_bias: false,
          kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
          kernel_regularizer: null, kernel_constraint: null, lora_rank: null } },
    ] },
  };
  const model = artifactsToModel({ modelTopology: topology, weightSpecs: [{ name: 'dense/kernel', shape: [2, 1], dtype: 'float32' }], weightData: f32([2, 3]) });
  assert.ok(model instanceof Sequential);
  assert.deepEqual([...model.predict(tensor([[1, 10]])).dataSync()], [32]);
});
