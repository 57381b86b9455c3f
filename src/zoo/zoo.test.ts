import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import '../backend/engine.js';
import { formatLayerTable, layerTable } from '../inspect/layer-table.js';
import { summary } from '../nn/summary.js';
import { tensor } from '../ops/create.js';
import { alexnetLayers, lenet5, mnistCnn } from './index.js';

describe('zoo: lenet5', () => {
  it("has the slide's shapes and 176,050 parameters, and PyTorch state-dict keys", () => {
    const net = lenet5({ seed: 3 });
    const lines: string[] = [];
    summary(net, [1, 28, 28], (l) => lines.push(l));
    const text = lines.join('\n');
    for (const row of [/conv1 \(Conv2d\)\s+\[-1, 20, 24, 24\]\s+520/, /conv2 \(Conv2d\)\s+\[-1, 20, 8, 8\]\s+10,020/, /fc1 \(Linear\)\s+\[-1, 500\]\s+160,500/, /\[-1, 20, 4, 4\]/, /Total params: 176,050/]) assert.match(text, row);
    // Functional pooling shows up between the modules, in the order forward runs it.
    assert.match(text, /conv1 \(Conv2d\)[^\n]*\n \(F\.maxPool2d 2x2 \/2\)\s+\[-1, 20, 12, 12\][^\n]*\n conv2 \(Conv2d\)/);
    assert.deepEqual(Object.keys(net.stateDict()), ['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    const out = net.forward(tensor(new Float32Array(2 * 784), [2, 1, 28, 28]));
    assert.deepEqual(out.shape, [2, 10]);
    // log-probabilities: each row's exp sums to 1.
    const p = Array.from(out.dataSync()).map(Math.exp);
    assert.ok(Math.abs(p.slice(0, 10).reduce((a, b) => a + b) - 1) < 1e-5);
    assert.deepEqual(lenet5({ seed: 3 }).fc2.weight.dataSync(), net.fc2.weight.dataSync());
  });
});

describe('zoo: alexnet (shapes and counts from configuration, no weights allocated)', () => {
  it('is 227x227x3 -> 55x55x96 -> ... -> 1000 with 62,378,344 parameters (single tower)', () => {
    const rows = layerTable(alexnetLayers(), [227, 227, 3]);
    const shapes = Object.fromEntries(rows.map((r) => [r.name, r.outputShape.slice(1)]));
    assert.deepEqual(shapes.conv1, [55, 55, 96]);
    assert.deepEqual(shapes.pool1, [27, 27, 96]);
    assert.deepEqual(shapes.conv2, [27, 27, 256]);
    assert.deepEqual(shapes.pool2, [13, 13, 256]);
    assert.deepEqual(shapes.conv5, [13, 13, 256]);
    assert.deepEqual(shapes.pool5, [6, 6, 256]);
    assert.deepEqual(shapes.flatten, [9216]);
    assert.deepEqual(shapes.fc8, [1000]);
    const params = Object.fromEntries(rows.map((r) => [r.name, r.params]));
    assert.deepEqual([params.conv1, params.conv2, params.fc6, params.fc8], [34944, 614656, 37752832, 4097000]);
    assert.equal(rows.reduce((n, r) => n + r.params, 0), 62378344);
    assert.match(formatLayerTable('alexnet', rows), /Total params: 62,378,344/);
  });

  it("two towers give the paper's ~60 million (60,965,224); numClasses changes fc8", () => {
    assert.equal(layerTable(alexnetLayers({ twoTowers: true }), [227, 227, 3]).reduce((n, r) => n + r.params, 0), 60965224);
    const ten = layerTable(alexnetLayers({ numClasses: 10 }), [227, 227, 3]);
    assert.equal(ten.at(-1)?.params, 4096 * 10 + 10);
    assert.throws(() => alexnetLayers({ numClasses: 0 }), /numClasses must be a positive integer, got 0/);
  });

  it('counts the built mnistCnn the same way as its summary (93,322)', () => {
    assert.equal(layerTable(mnistCnn().layers, [28, 28, 1]).reduce((n, r) => n + r.params, 0), 93322);
  });
});
