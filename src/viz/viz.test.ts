import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import '../backend/register.js';
import { mnistCnn } from '../models/mnist-cnn.js';
import { decodePng, encodePng, writePng } from '../node/image-io.js';
import { tensor } from '../ops/create.js';
import { lenet5 } from '../zoo/lenet5.js';
import { Canvas } from './canvas.js';
import { confusionMatrix, confusionPicture, convKernel, featureGrid, featureMaps, filterGrid, parseCsvLog, trainingCurves } from './index.js';
import type { RgbaImage } from './canvas.js';

// Set FOVEA_VIZ_DIR to keep the pictures for a look.
const dir = process.env.FOVEA_VIZ_DIR ?? mkdtempSync(join(tmpdir(), 'fovea-viz-'));

/** Writes the picture, decodes the file back and checks it is the same size and pixels. */
function roundTrip(name: string, picture: RgbaImage): RgbaImage {
  const path = join(dir, name);
  writePng(path, picture);
  const back = decodePng(readFileSync(path));
  assert.deepEqual([back.width, back.height], [picture.width, picture.height]);
  assert.deepEqual(back.data, picture.data);
  return back;
}

/** Distinct colours used: a blank or one-colour picture would fail. */
const colours = (p: RgbaImage) => new Set(Array.from({ length: p.width * p.height }, (_, i) => p.data.slice(i * 4, i * 4 + 3).join())).size;

const digit = () => {
  const img = new Float32Array(784);
  for (let y = 6; y < 22; y++) for (let x = 12; x < 16; x++) img[y * 28 + x] = 1;
  return img;
};

describe('viz pictures are valid PNGs of the expected size', () => {
  it('draws text with the built-in font', () => {
    const c = new Canvas(80, 20);
    const w = c.text('Ab1%', 2, 2, [0, 0, 0], 2);
    assert.equal(w, 4 * 12);
    assert.ok(colours(c) === 2);
    assert.equal(encodePng(c).subarray(1, 4).toString(), 'PNG');
  });

  it("filter grid of the seed CNN's first conv layer (32 filters 3x3x1) and of LeNet's conv2 (OIHW)", () => {
    const k = convKernel(mnistCnn({ seed: 1 }));
    assert.deepEqual(k.shape, [3, 3, 1, 32]);
    const p = roundTrip('filters-mnist-cnn.png', filterGrid(k.values, k.shape, { title: `${k.name}: 32 filters 3x3` }));
    assert.ok(p.width >= 8 * 48 && p.height > 4 * 48 && colours(p) > 20);
    const l = convKernel(lenet5({ seed: 1 }), 'conv2');
    assert.deepEqual(l.shape, [20, 20, 5, 5]);
    roundTrip('filters-lenet-conv2.png', filterGrid(l.values, l.shape, { layout: 'OIHW', maxInputChannels: 6 }));
    assert.throws(() => convKernel(mnistCnn(), 'dense'), /no conv layer named 'dense'; conv layers: conv2d/);
  });

  it('feature maps of one input at a Keras layer (HWC) and at an nn module (CHW)', () => {
    const model = mnistCnn({ seed: 1 });
    const f = featureMaps(model, tensor(digit(), [1, 28, 28, 1]), model.layers[0].name);
    assert.deepEqual(f.shape, [26, 26, 32]);
    const p = roundTrip('features-mnist-cnn.png', featureGrid(f.values, f.shape));
    assert.ok(colours(p) > 10);
    const n = featureMaps(lenet5({ seed: 2 }), tensor(digit(), [1, 1, 28, 28]), 'conv1');
    assert.deepEqual([n.shape, n.layout], [[20, 24, 24], 'CHW']);
    roundTrip('features-lenet-conv1.png', featureGrid(n.values, n.shape, { layout: 'CHW' }));
  });

  it('training curves from a CSVLogger file, with validation series', () => {
    const csv = 'epoch,accuracy,loss,val_accuracy,val_loss\n0,0.91,0.30,0.95,0.16\n1,0.97,0.09,0.975,0.08\n2,0.98,0.06,0.98,0.07\n3,0.985,0.045,0.982,0.065\n';
    const series = parseCsvLog(csv);
    assert.deepEqual(series.val_loss, [0.16, 0.08, 0.07, 0.065]);
    const p = roundTrip('curves.png', trainingCurves(series));
    assert.deepEqual([p.width, p.height], [2 * 440, 330]);
    assert.throws(() => parseCsvLog('epoch,loss\n0,abc'), /row 2, column 'loss' is not a number: 'abc'/);
  });

  it('confusion matrix: counts by (true, predicted), picture with labels', () => {
    const m = confusionMatrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], 3);
    assert.deepEqual(m, [[1, 1, 0], [0, 1, 0], [1, 0, 2]]);
    const p = roundTrip('confusion.png', confusionPicture(m, { classNames: ['cat', 'dog', 'eel'] }));
    assert.ok(p.width > 3 * 34 && p.height > 3 * 34);
    assert.throws(() => confusionMatrix([0, 3], [0, 1], 3), /sample 1 has label 3 and prediction 1/);
  });
});
