/**
 * The zoo's building blocks (global average pooling, Add, ReLU6, BatchNormalization, depthwise
 * convs) where the exporter's layouts meet: NCHW values from convs against NHWC values from the
 * input, keepdims, channels-first models. Each model runs in ONNX Runtime and must predict like
 * Fovea (max abs difference <= 1e-4). Skipped when onnxruntime-node is not installed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../src/backend/engine.js';
import { maxAbsDiff, randomizeBatchNorm } from '../src/io/onnx/export-test-util.js';
import { exportOnnx } from '../src/io/onnx/onnx-export.js';
import { input } from '../src/layers/input.js';
import type { Layer } from '../src/layers/layer.js';
import { layerFromConfig } from '../src/layers/registry.js';
import type { SymbolicTensor } from '../src/layers/symbolic-tensor.js';
import { Model } from '../src/models/functional.js';
import { tensor } from '../src/ops/create.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { runOnnx, skipWithoutOrt } from './onnx-runtime-util.js';

const L = (className: string, config: Record<string, unknown> = {}): Layer => layerFromConfig(className, config);
const S = (layer: Layer, x: SymbolicTensor | SymbolicTensor[]): SymbolicTensor => layer.apply(x) as SymbolicTensor;
const conv = (config: Record<string, unknown>): Layer => L('Conv2D', { filters: 4, kernelSize: 3, ...config });

const CASES: { name: string; shape: number[]; build: (x: SymbolicTensor) => SymbolicTensor }[] = [
  {
    name: 'squeeze_excite', // GAP keepdims -> 1x1 conv -> Multiply with the NCHW feature map
    shape: [8, 8, 4],
    build: (x) => {
      const h = S(conv({ padding: 'same' }), x);
      return S(L('Multiply'), [h, S(L('Conv2D', { filters: 4, kernelSize: 1, activation: 'sigmoid' }), S(L('GlobalAveragePooling2D', { keepdims: true }), h))]);
    },
  },
  { name: 'gap_keepdims_flatten', shape: [8, 8, 4], build: (x) => S(L('Flatten'), S(L('GlobalAveragePooling2D', { keepdims: true }), S(conv({}), x))) },
  { name: 'gap_channels_first', shape: [4, 8, 8], build: (x) => S(L('Dense', { units: 3 }), S(L('GlobalAveragePooling2D', { dataFormat: 'channelsFirst' }), S(conv({ dataFormat: 'channelsFirst' }), x))) },
  { name: 'gap_channels_first_keepdims', shape: [4, 8, 8], build: (x) => S(L('Flatten'), S(L('GlobalAveragePooling2D', { dataFormat: 'channelsFirst', keepdims: true }), S(conv({ dataFormat: 'channelsFirst' }), x))) },
  { name: 'gap_of_the_input', shape: [8, 8, 4], build: (x) => S(L('GlobalAveragePooling2D'), x) },
  { name: 'add_input_and_conv_bn', shape: [8, 8, 4], build: (x) => S(L('Add'), [x, S(L('BatchNormalization'), S(conv({ padding: 'same' }), x))]) },
  {
    name: 'add_relu6_global_max',
    shape: [8, 8, 4],
    build: (x) => S(L('GlobalMaxPooling2D'), S(L('ReLU', { maxValue: 6 }), S(L('Add'), [S(conv({ kernelSize: 1 }), x), S(conv({ padding: 'same' }), x)]))),
  },
  { name: 'bn_of_the_input', shape: [8, 8, 4], build: (x) => S(L('Flatten'), S(L('BatchNormalization'), x)) },
  { name: 'dense_relu6', shape: [8, 8, 4], build: (x) => S(L('Dense', { units: 5, activation: 'relu6' }), S(L('Flatten'), x)) },
  { name: 'depthwise_relu6_stride_2', shape: [8, 8, 4], build: (x) => S(L('Flatten'), S(L('DepthwiseConv2D', { kernelSize: 3, activation: 'relu6', strides: 2, padding: 'same' }), x)) },
];

function normalImages(shape: number[]): Tensor {
  const rng = new Random(1);
  return tensor(Float32Array.from({ length: 4 * shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), [4, ...shape]);
}

test('global pooling, Add, ReLU6 and BatchNormalization across layouts predict like Fovea in ONNX Runtime', { skip: skipWithoutOrt }, async (t) => {
  for (const c of CASES) {
    const x = input({ shape: c.shape });
    const model = new Model({ inputs: x, outputs: c.build(x), name: c.name, seed: 3 });
    randomizeBatchNorm(model.layers, 2);
    const data = normalImages(c.shape);
    const out = await runOnnx(await exportOnnx(model), data);
    const ours = model.predict(data) as Tensor;
    assert.deepEqual([...out.dims], ours.shape, `${c.name}: output shape`);
    const diff = maxAbsDiff(out.data, Float32Array.from(ours.dataSync()));
    t.diagnostic(`${c.name}: max abs diff ${diff.toExponential(2)}`);
    assert.ok(diff <= 1e-4, `${c.name}: max abs diff ${diff}`);
  }
});
