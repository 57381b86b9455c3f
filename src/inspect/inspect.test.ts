import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import '../backend/engine.js';
import { Conv2D } from '../layers/conv2d.js';
import { mnistCnn } from '../models/mnist-cnn.js';
import { conv2d, maxPool2d, avgPool2d, tensor } from '../ops/index.js';
import { Random } from '../tensor/random.js';
import { alexnetLayers } from '../zoo/alexnet.js';
import { lenet5 } from '../zoo/lenet5.js';
import { explainConv, explainPool, formatReceptiveField, im2colShape, receptiveField, SLIDE_CONV_INPUT, SLIDE_CONV_KERNEL, SLIDE_POOL_INPUT, formatPercent } from './index.js';

describe('receptiveField', () => {
  it('reproduces the slide: the seed CNN sees 18x18 = 324 px = 41.3% of 784', () => {
    const { rows, inputSize } = receptiveField(mnistCnn());
    assert.deepEqual(inputSize, [28, 28]);
    assert.deepEqual(rows.map((r) => r.receptiveField[0]), [3, 4, 8, 10, 18]);
    assert.deepEqual(rows.map((r) => r.outputSize[0]), [26, 13, 11, 5, 3]);
    const last = rows[rows.length - 1];
    assert.equal(last.pixels, 324);
    assert.equal(formatPercent(last.coverage), '41.3%');
    assert.match(formatReceptiveField({ inputSize, rows }), /conv2d_\d+ \(conv\)\s+3x3\s+18x18\s+324\s+41\.3%/);
  });

  it('without pooling the same convolutions reach only 7x7 = 49 px = 6.25%', () => {
    const table = receptiveField(mnistCnn(), { dropPooling: true });
    const last = table.rows[table.rows.length - 1];
    assert.deepEqual([last.receptiveField, last.pixels, formatPercent(last.coverage)], [[7, 7], 49, '6.25%']);
    const layers = [3, 3, 3].map((k, i) => new Conv2D(8, k, i === 0 ? { inputShape: [28, 28, 1] } : {}));
    assert.equal(receptiveField(layers).rows[2].pixels, 49);
  });

  it('traces an nn Module, including pooling called as F.maxPool2d in forward', () => {
    const { rows } = receptiveField(lenet5({ seed: 1 }));
    assert.deepEqual(rows.map((r) => `${r.name}:${r.receptiveField[0]}`), ['conv1:5', 'F.maxPool2d:6', 'conv2:14', 'F.maxPool2d_1:16']);
  });
});

describe('im2colShape', () => {
  it("reproduces the slide's AlexNet conv1 numbers", () => {
    const s = im2colShape([227, 227, 3], 11, 96, { stride: 4 });
    assert.deepEqual(s.xCol, [363, 3025]);
    assert.deepEqual(s.wRow, [96, 363]);
    assert.deepEqual(s.output, [55, 55, 96]);
    assert.throws(() => im2colShape([5, 5, 1], 7, 1), /does not fit a 5x5 input/);
  });

  it('agrees with AlexNet layer shapes computed by the layers', () => {
    const out = alexnetLayers()[0].computeOutputShape([null, 227, 227, 3]);
    assert.deepEqual(out, [null, ...im2colShape([227, 227, 3], 11, 96, { stride: 4 }).output]);
  });
});

describe('explain', () => {
  it('steps through the slide example and ends with [[4,3,4],[2,4,3],[2,3,4]]', () => {
    const e = explainConv(SLIDE_CONV_INPUT, SLIDE_CONV_KERNEL);
    assert.equal(e.steps.length, 9);
    assert.deepEqual(e.steps[1].products, [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    assert.match(e.text, /Step 2: output\[0\]\[1\], window rows 0..2, cols 1..3/);
    assert.match(e.text, /sum = 1 \+ 0 \+ 0 \+ 0 \+ 1 \+ 0 \+ 0 \+ 0 \+ 1 = 3/);
    assert.equal(e.text.trim().split('\n').at(-1), '[[4,3,4],[2,4,3],[2,3,4]]');
  });

  it('matches the engine conv2d and pooling on random matrices', () => {
    const rng = new Random(5);
    const m = (h: number, w: number) => Array.from({ length: h }, () => Array.from({ length: w }, () => Math.round(rng.uniform(-5, 5))));
    const [x, k] = [m(6, 7), m(3, 2)];
    const e = explainConv(x, k, { stride: 2, padding: 1 });
    const y = conv2d(tensor(x.flat(), [1, 6, 7, 1]), tensor(k.flat(), [3, 2, 1, 1]), { strides: 2, padding: 1 });
    assert.deepEqual(Array.from(y.dataSync()), e.output.flat());
    const p = explainPool(x, { size: 3, stride: 2, mode: 'avg' });
    const yp = avgPool2d(tensor(x.flat(), [1, 6, 7, 1]), 3, { strides: 2 });
    assert.deepEqual(Array.from(yp.dataSync()).map((v) => Number(v.toFixed(4))), p.output.flat().map((v) => Number(v.toFixed(4))));
  });

  it("pools the slide's 4x4 example to [[0.9,0.8],[0.8,0.9]] and names bad input", () => {
    const p = explainPool(SLIDE_POOL_INPUT);
    assert.deepEqual(p.output, [[0.9, 0.8], [0.8, 0.9]]);
    assert.match(p.text, /max\(0.2, 0.8, 0.2, 0.9\) = 0.9/);
    assert.deepEqual(Array.from(maxPool2d(tensor(SLIDE_POOL_INPUT.flat(), [1, 4, 4, 1]), 2).dataSync()).map((v) => Number(v.toFixed(4))), p.output.flat());
    assert.throws(() => explainConv([[1, 2], [3]], [[1]]), /input must be a non-empty rectangular matrix/);
  });
});
