import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ONNX_ACTIVATIONS as EMITTED } from './onnx-activations.js';
import { ONNX_LAYERS as CONVERTED } from './onnx-layers.js';
import { ONNX_ACTIVATIONS, ONNX_LAYERS } from './onnx-support.js';

test('the public lists of ONNX layers and activations are exactly what the exporter converts', () => {
  assert.deepEqual(ONNX_LAYERS, CONVERTED);
  assert.deepEqual(ONNX_ACTIVATIONS, EMITTED);
});
