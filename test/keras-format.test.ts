/**
 * Keras 3 `.keras` archives and legacy Keras 2 `.h5` files: the archive has Keras's member names,
 * config dialect and the exact HDF5 layout Keras 3 reads (checked by reading the weights file back
 * with the HDF5 library), round trips are bit-identical with identical predictions, and hostile
 * archives (zip bombs, lying sizes, mismatched weights) are refused before anything is inflated
 * or built.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zipSync } from 'fflate';
import { bits, randomInput, smallCnn } from '../src/io/io-test-util.js';
import { dataset, group, type H5Group, type H5Node, readHdf5, writeHdf5 } from '../src/io/keras/hdf5.js';
import { KERAS_MEMBERS, loadKeras, saveKeras } from '../src/io/keras/keras-file.js';
import { loadLegacyH5 } from '../src/io/keras/legacy-h5.js';
import { crc32, openZip } from '../src/io/keras/zip-archive.js';
import { ModelFormatError } from '../src/io/model-format-error.js';
import { everyLayerSequential, mergeFunctional } from '../src/io/onnx/export-test-util.js';
import type { Tensor } from '../src/tensor/tensor.js';

const decode = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b));

/** path -> dataset shape, or 'group' for groups, for every object in the tree. */
function layout(node: H5Group, prefix = ''): Record<string, number[] | 'group'> {
  const out: Record<string, number[] | 'group'> = {};
  for (const [name, child] of node.children as Map<string, H5Node>) {
    const path = `${prefix}${name}`;
    if (child.kind === 'dataset') out[path] = child.shape;
    else Object.assign(out, { [path]: 'group' }, layout(child, `${path}/`));
  }
  return out;
}

interface Predicting { predict(x: Tensor): Tensor | Tensor[]; weights: { dataSync(): ArrayLike<number> }[] }

function assertSameModel(a: Predicting, b: Predicting, x: Tensor): void {
  assert.equal(a.weights.length, b.weights.length);
  a.weights.forEach((w, i) => assert.deepEqual(bits(w.dataSync()), bits(b.weights[i].dataSync()), `weight #${i}`));
  assert.deepEqual(bits((a.predict(x) as Tensor).dataSync()), bits((b.predict(x) as Tensor).dataSync()));
}

test('a Sequential .keras has Keras 3 member names, config dialect and HDF5 layout, and round-trips exactly', async () => {
  const model = smallCnn(2);
  const bytes = await saveKeras(model, { date: new Date(2024, 0, 2, 3, 4, 5) });
  const zip = openZip(bytes, 'cnn.keras');
  assert.deepEqual(zip.names, [...KERAS_MEMBERS]);
  assert.deepEqual(decode(zip.read('metadata.json')), { keras_version: '3.5.0', date_saved: '2024-01-02@03:04:05' });
  const config = decode(zip.read('config.json'));
  assert.equal(config.class_name, 'Sequential');
  assert.equal(config.module, 'keras');
  const [inputLayer, conv] = config.config.layers;
  assert.deepEqual(inputLayer.config.batch_shape, [null, 8, 8, 2]);
  assert.deepEqual(conv.config.dtype, { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null });
  assert.deepEqual(conv.build_config, { input_shape: [null, 8, 8, 2] });
  assert.equal(conv.config.kernel_initializer.module, 'keras.initializers');
  assert.equal(conv.config.data_format, 'channels_last');
  const tree = await readHdf5(zip.read('model.weights.h5'), 'model.weights.h5');
  assert.deepEqual(layout(tree), {
    layers: 'group',
    'layers/conv2d': 'group', 'layers/conv2d/vars': 'group', 'layers/conv2d/vars/0': [3, 3, 2, 4], 'layers/conv2d/vars/1': [4],
    'layers/dense': 'group', 'layers/dense/vars': 'group', 'layers/dense/vars/0': [36, 3], 'layers/dense/vars/1': [3],
    'layers/flatten': 'group', 'layers/flatten/vars': 'group',
    'layers/max_pooling2d': 'group', 'layers/max_pooling2d/vars': 'group',
    vars: 'group',
  });
  assertSameModel(await loadKeras(bytes), model, randomInput(3, [8, 8, 2], 4));
});

test('layers are addressed by class name and counter; BatchNormalization stores trainable vars first', async () => {
  const model = everyLayerSequential(3);
  const bytes = await saveKeras(model);
  const tree = layout(await readHdf5(openZip(bytes, 'm').read('model.weights.h5'), 'w'));
  assert.deepEqual(tree['layers/conv2d_1/vars/0'], [2, 3, 6, 8]);
  assert.deepEqual(tree['layers/depthwise_conv2d/vars/0'], [3, 3, 6, 2]);
  assert.deepEqual(['0', '1', '2', '3'].map((k) => tree[`layers/batch_normalization_1/vars/${k}`]), [[24], [24], [24], [24]]);
  assert.equal(tree['layers/flatten_1/vars'], 'group');
  assertSameModel(await loadKeras(bytes), model, randomInput(2, [28, 28, 1], 9));
});

test('a functional model round-trips with __keras_tensor__ inbound nodes', async () => {
  const model = mergeFunctional(5);
  const bytes = await saveKeras(model);
  const config = decode(openZip(bytes, 'f').read('config.json'));
  assert.equal(config.class_name, 'Functional');
  assert.deepEqual(config.config.input_layers, [['image', 0, 0]]);
  const add = config.config.layers.find((l: { class_name: string }) => l.class_name === 'Add');
  assert.equal(add.inbound_nodes[0].args[0].length, 2);
  assert.equal(add.inbound_nodes[0].args[0][0].class_name, '__keras_tensor__');
  const [producer, nodeIndex, tensorIndex] = add.inbound_nodes[0].args[0][0].config.keras_history;
  assert.match(producer, /^conv2d/);
  assert.deepEqual([nodeIndex, tensorIndex], [0, 0]);
  const tree = layout(await readHdf5(openZip(bytes, 'f').read('model.weights.h5'), 'w'));
  assert.equal(tree['layers/input_layer/vars'], 'group');
  assert.deepEqual(tree['layers/conv2d_1/vars/0'], [5, 5, 1, 4]);
  assertSameModel(await loadKeras(bytes), model, randomInput(2, [28, 28, 1], 2));
});

test('a legacy Keras 2 .h5 model loads with its weights', async () => {
  const source = smallCnn(4);
  const layerGroup = (name: string, shapes: [string, Tensor][]) => group(
    { [name]: group(Object.fromEntries(shapes.map(([n, w]) => [`${n}:0`, dataset(w.shape, Float32Array.from(w.dataSync()))]))) },
    { weight_names: shapes.map(([n]) => `${name}/${n}:0`) },
  );
  const [k1, b1, k2, b2] = source.weights;
  const modelConfig = { class_name: 'Sequential', config: { name: 'legacy', layers: source.getConfig().layers.map((l) => ({ class_name: l.className, config: l.className === 'InputLayer' ? { batch_input_shape: [null, 8, 8, 2], name: 'in' } : { ...l.config, ...('dataFormat' in l.config ? { data_format: 'channels_last' } : {}), dtype: 'float32' } })) } };
  const file = await writeHdf5(group({
    model_weights: group({
      conv2d: layerGroup('conv2d', [['kernel', k1], ['bias', b1]]),
      max_pooling2d: group(), flatten: group(),
      dense: layerGroup('dense', [['kernel', k2], ['bias', b2]]),
    }, { layer_names: ['conv2d', 'max_pooling2d', 'flatten', 'dense'] }),
  }, { keras_version: '2.15.0', backend: 'tensorflow', model_config: JSON.stringify(modelConfig) }));
  assertSameModel(await loadLegacyH5(file, 'legacy.h5'), source, randomInput(2, [8, 8, 2], 8));
  await assert.rejects(loadLegacyH5(file.subarray(0, 900), 'cut.h5'), (e: unknown) => e instanceof ModelFormatError && /cut\.h5/.test(e.message));
});

/** Rewrites the sizes a zip's central directory (and local header) declare for its first member. */
function patchSizes(zip: Uint8Array, size: number, crc?: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  for (let at = 0; at < out.length - 4; at++) {
    const sig = view.getUint32(at, true);
    if (sig === 0x02014b50) view.setUint32(at + 24, size, true);
    if (sig === 0x04034b50) view.setUint32(at + 22, size, true);
    if (crc !== undefined && sig === 0x02014b50) view.setUint32(at + 16, crc, true);
    if (crc !== undefined && sig === 0x04034b50) view.setUint32(at + 14, crc, true);
  }
  return out;
}

test('zip bombs and lying sizes are refused before or while inflating, within the declared size', async () => {
  const zeros = new Uint8Array(8 << 20);
  const bomb = zipSync({ 'config.json': [zeros, { level: 9 }] });
  assert.ok(bomb.length < 20_000);
  // Declared honestly but beyond the caps: refused from the directory alone.
  assert.throws(() => openZip(bomb, 'bomb.keras', { maxTotalBytes: 1 << 20 }), /declare 8388608 bytes in all, more than the limit of 1048576/);
  // A ratio no deflate stream reaches.
  assert.throws(() => openZip(patchSizes(bomb, 2 ** 29), 'bomb.keras'), /a ratio no deflate stream reaches/);
  // Declaring less than it inflates to: stopped after at most one small chunk.
  const liar = openZip(patchSizes(bomb, 1000, crc32(new Uint8Array(1000))), 'liar.keras');
  assert.throws(() => liar.read('config.json'), /inflates to more than the 1000 bytes it declares/);
  // A flipped byte in the data fails the CRC.
  const stored = zipSync({ 'a.txt': [new TextEncoder().encode('hello world'), { level: 0 }] });
  const flipped = stored.slice();
  flipped[30 + 'a.txt'.length] ^= 1; // the first data byte, after the local header and name
  assert.throws(() => openZip(flipped, 'crc.keras').read('a.txt'), /fails its CRC-32 check/);
});

test('a config that does not match the weights names the layer, the expected and the actual shape', async () => {
  const model = smallCnn(1);
  const bytes = await saveKeras(model);
  const zip = openZip(bytes, 'm');
  const config = decode(zip.read('config.json'));
  config.config.layers[4].config.units = 2;
  const rebuilt = zipSync({
    'metadata.json': [zip.read('metadata.json'), { level: 0 }],
    'config.json': [new TextEncoder().encode(JSON.stringify(config)), { level: 0 }],
    'model.weights.h5': [zip.read('model.weights.h5'), { level: 0 }],
  });
  await assert.rejects(loadKeras(rebuilt, 'bad.keras'), /layer 'dense' \(Dense\) at 'layers\/dense\/vars\/0': weight 'dense\/kernel' expects shape \[36, 2\], the file has \[36, 3\]/);
  config.config.layers[4].config.units = 1e9;
  const huge = zipSync({
    'metadata.json': [zip.read('metadata.json'), { level: 0 }],
    'config.json': [new TextEncoder().encode(JSON.stringify(config)), { level: 0 }],
    'model.weights.h5': [zip.read('model.weights.h5'), { level: 0 }],
  });
  await assert.rejects(loadKeras(huge, 'huge.keras'), /weight 'kernel' \[36,1000000000\] needs 36000000000 values, but the weights file holds only \d+ more/);
});
