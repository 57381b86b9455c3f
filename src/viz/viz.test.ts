import assert from 'node:assert/strict';
import type { Spec } from 'vega';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import '../backend/engine.js';
import { mnistCnn } from '../models/mnist-cnn.js';
import { Model } from '../models/functional.js';
import { input } from '../layers/input.js';
import { Conv2D } from '../layers/conv2d.js';
import { MaxPooling2D } from '../layers/max-pooling2d.js';
import { chartFormatOf, writeChart } from '../node/chart-file.js';
import { decodePng } from '../node/image-io.js';
import { svgToPng } from '../node/svg-png.js';
import { withTempDir } from '../node/temp-dir-test-util.js';
import { tensor } from '../ops/create.js';
import { lenet5 } from '../zoo/lenet5.js';
import { diverging } from './colormap.js';
import { confusionMatrix, confusionPicture, confusionSpec, convKernel, featureGrid, featureMaps, filterGrid, filterGridSpec, parseCsvLog, trainingCurves, trainingCurvesSpec } from './index.js';
import { layerOutputShapes } from './model-views.js';
import type { RgbaImage } from './rgba-image.js';
import { chartView } from './vega-view.js';

const digit = () => {
  const img = new Float32Array(784);
  for (let y = 6; y < 22; y++) for (let x = 12; x < 16; x++) img[y * 28 + x] = 1;
  return img;
};

/** Pixels of `picture` with exactly colour `rgb`. */
function countColour(picture: RgbaImage, rgb: readonly number[]): number {
  let n = 0;
  for (let i = 0; i < picture.width * picture.height; i++) if (picture.data[i * 4] === rgb[0] && picture.data[i * 4 + 1] === rgb[1] && picture.data[i * 4 + 2] === rgb[2]) n++;
  return n;
}

/** The texts an SVG shows, in order. */
const svgTexts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

/** Renders `svg` to PNG (scale 1) and decodes it. */
async function rendered(svg: string, scale = 1): Promise<RgbaImage> {
  return decodePng(await svgToPng(svg, { scale }));
}

interface SceneNode {
  role?: string;
  name?: string;
  marktype?: string;
  bounds?: { x1: number; y1: number; x2: number; y2: number };
  items?: SceneNode[];
  text?: string;
}

/** Every scenegraph node under `node` (marks and their items). */
function* walk(node: SceneNode): Generator<SceneNode> {
  yield node;
  for (const child of node.items ?? []) yield* walk(child);
}

const overlaps = (a: NonNullable<SceneNode['bounds']>, b: NonNullable<SceneNode['bounds']>) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;

const LOG = 'epoch,learning_rate,loss,val_loss\n0,0.001,0.30,0.16\n1,0.0005,0.09,0.08\n2,0.00025,0.06,0.07\n3,0.000125,0.045,0.065\n4,0.0000625,0.04,0.064\n';

describe('training curves (Vega, SVG)', () => {
  it('one panel per quantity with axis titles, ticks and a legend only where there is a validation series', async () => {
    const series = parseCsvLog(LOG);
    assert.deepEqual(series.val_loss, [0.16, 0.08, 0.07, 0.065, 0.064]);
    const svg = await trainingCurves(series);
    assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const texts = svgTexts(svg);
    for (const t of ['Training curves', 'epoch', 'learning rate', 'loss', 'training', 'validation']) assert.ok(texts.includes(t), `missing text '${t}' in ${texts.join('|')}`);
    // The learning-rate panel has one series and no legend: 'training' is written once, in the loss panel.
    assert.equal(texts.filter((t) => t === 'training').length, 1);
    assert.throws(() => parseCsvLog('epoch,loss\n0,abc'), /row 2, column 'loss' is not a number: 'abc'/);
    assert.throws(() => trainingCurvesSpec({ epoch: [0, 1] }), /no series to draw \(keys: epoch\)/);
  });

  it('no axis title overlaps its tick labels (the learning-rate axis included) and a decaying rate gets a log axis', async () => {
    const spec = trainingCurvesSpec(parseCsvLog(LOG));
    const view = await chartView(spec);
    const root = (view.scenegraph() as unknown as { root: SceneNode }).root;
    const axes = [...walk(root)].filter((n) => n.role === 'axis' && n.marktype === 'group').flatMap((mark) => mark.items ?? []);
    assert.ok(axes.length >= 4, `expected 4 axes, found ${axes.length}`);
    for (const axis of axes) {
      const parts = [...walk(axis)];
      const labels = parts.filter((n) => n.role === 'axis-label').flatMap((m) => m.items ?? []);
      const titles = parts.filter((n) => n.role === 'axis-title').flatMap((m) => m.items ?? []);
      assert.ok(labels.length > 1 && titles.length === 1);
      for (const label of labels) assert.ok(!overlaps(label.bounds!, titles[0].bounds!), `axis title '${titles[0].text}' overlaps tick label '${label.text}'`);
    }
    const panel = ((spec as Spec).marks ?? []).find((m) => m.name === 'panel_learning_rate') as { scales: { name: string; type: string }[]; legends: unknown[] };
    assert.equal(panel.scales.find((s) => s.name === 'y')?.type, 'log');
    assert.deepEqual(panel.legends, []);
  });

  it('text is drawn with a real font: "g" and "9" differ (the old bitmap font drew the same glyph)', async () => {
    const glyph = async (ch: string) => rendered(`<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><text x="8" y="30" font-family="DejaVu Sans" font-size="28">${ch}</text></svg>`);
    const [g, nine] = [await glyph('g'), await glyph('9')];
    const ink = (p: RgbaImage) => Array.from({ length: p.width * p.height }, (_, i) => p.data[i * 4] < 128);
    const [a, b] = [ink(g), ink(nine)];
    const differing = a.filter((v, i) => v !== b[i]).length;
    const inked = a.filter(Boolean).length;
    assert.ok(inked > 50, `the glyph 'g' has ${inked} dark pixels: no font was loaded`);
    assert.ok(differing > inked / 3, `'g' and '9' differ in only ${differing} of ${inked} pixels`);
  });
});

describe('confusion matrix (Vega, SVG)', () => {
  it('counts by (true, predicted); every count written in its cell, both axes titled, accuracy in the title', async () => {
    const m = confusionMatrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], 3);
    assert.deepEqual(m, [[1, 1, 0], [0, 1, 0], [1, 0, 2]]);
    const texts = svgTexts(await confusionPicture(m, { classNames: ['cat', 'dog', 'eel'] }));
    assert.ok(texts.includes('Confusion matrix (accuracy 66.7%)'));
    for (const t of ['predicted label', 'true label', 'cat', 'dog', 'eel', 'share of true class']) assert.ok(texts.includes(t), `missing '${t}'`);
    assert.deepEqual(texts.filter((t) => /^\d+$/.test(t)).sort(), ['0', '0', '0', '0', '1', '1', '1', '1', '2']);
    assert.throws(() => confusionMatrix([0, 3], [0, 1], 3), /sample 1 has label 3 and prediction 1/);
    assert.throws(() => confusionSpec([[1, 2]]), /expected a square matrix of counts/);
  });
});

describe('filter and feature-map grids: pixel-exact tiles inside SVG', () => {
  it("filters of the seed CNN's first conv layer (HWIO) keep every weight's colour exactly, in the SVG and in the PNG", async () => {
    const k = convKernel(mnistCnn({ seed: 1 }));
    assert.deepEqual(k.shape, [3, 3, 1, 32]);
    const spec = filterGridSpec(k.values, k.shape, { title: 'conv2d: 32 filters' });
    const tiles = ((spec as Spec).data?.[0] as { values: { url: string; label: string }[] }).values;
    assert.equal(tiles.length, 32);
    const scale = Math.max(...Array.from(k.values, Math.abs));
    // Filter 5's tile: 3x3 weights, each a 16x16 block of one colour.
    const tile = decodePng(Buffer.from(tiles[5].url.replace('data:image/png;base64,', ''), 'base64'));
    assert.deepEqual([tile.width, tile.height, tiles[5].label], [48, 48, '5']);
    for (let y = 0; y < 3; y++) {
      for (let x = 0; x < 3; x++) {
        const expected = [...diverging(k.values[(y * 3 + x) * 32 + 5] / scale), 255];
        for (const [dx, dy] of [[0, 0], [15, 15], [7, 3]]) assert.deepEqual(Array.from(tile.data.slice(((y * 16 + dy) * 48 + x * 16 + dx) * 4, ((y * 16 + dy) * 48 + x * 16 + dx) * 4 + 4)), expected);
      }
    }
    // Rendered at scale 2, each weight of each tile is a 32x32 block of its exact colour.
    const png = await rendered(await filterGrid(k.values, k.shape), 2);
    const colour = diverging(k.values[5] / scale);
    const sameColour = Array.from(k.values).filter((v) => diverging(v / scale).join() === colour.join()).length;
    assert.ok(countColour(png, colour) >= sameColour * 32 * 32, `colour ${colour} covers ${countColour(png, colour)} pixels, expected at least ${sameColour * 1024}`);
    assert.throws(() => convKernel(mnistCnn(), 'dense'), /no conv layer named 'dense'; conv layers: conv2d/);
  });

  it("LeNet's conv2 (OIHW, 5 of 20 input channels shown) and feature maps of a Keras layer (HWC) and an nn module (CHW)", async () => {
    const l = convKernel(lenet5({ seed: 1 }), 'conv2');
    assert.deepEqual(l.shape, [20, 20, 5, 5]);
    const texts = svgTexts(await filterGrid(l.values, l.shape, { layout: 'OIHW', maxInputChannels: 5 }));
    assert.ok(texts.includes('20 filters 5x5x20 (input channels 0-4 of 20)') && texts.includes('f19') && texts.includes('in 4'));
    const model = mnistCnn({ seed: 1 });
    const f = featureMaps(model, tensor(digit(), [1, 28, 28, 1]), model.layers[0].name);
    assert.deepEqual(f.shape, [26, 26, 32]);
    const svg = await featureGrid(f.values, f.shape);
    assert.equal((svg.match(/<image /g) ?? []).length, 32);
    assert.match(svg, /image-rendering: pixelated/);
    const n = featureMaps(lenet5({ seed: 2 }), tensor(digit(), [1, 1, 28, 28]), 'conv1');
    assert.deepEqual([n.shape, n.layout], [[20, 24, 24], 'CHW']);
    assert.equal((svgTexts(await featureGrid(n.values, n.shape, { layout: 'CHW', maxMaps: 6 })).filter((t) => /^\d+$/.test(t))).length >= 6, true);
  });

  it('feature maps and layer shapes of a functional model', () => {
    const x = input({ shape: [12, 12, 1] });
    const h = new Conv2D(4, 3, { name: 'c1', activation: 'relu' }).apply(x);
    const model = new Model({ inputs: x, outputs: new MaxPooling2D(2, { name: 'p1' }).apply(h) });
    const one = tensor(new Float32Array(144).fill(0.5), [1, 12, 12, 1]);
    assert.deepEqual(layerOutputShapes(model, one).filter((r) => r.name !== model.layers[0].name), [{ name: 'c1', shape: [10, 10, 4] }, { name: 'p1', shape: [5, 5, 4] }]);
    assert.deepEqual(featureMaps(model, one, 'p1').shape, [5, 5, 4]);
    assert.throws(() => featureMaps(model, one, 'c9'), /no layer named 'c9'; layers: .*c1, p1/);
  });
});

describe('writeChart', () => {
  it('writes SVG or PNG by the file extension; an unknown extension names the choices', async () => {
    await withTempDir('charts', async (dir) => {
      const svg = await confusionPicture([[3, 1], [0, 4]]);
      assert.equal(await writeChart(join(dir, 'c.svg'), svg), 'svg');
      assert.equal(readFileSync(join(dir, 'c.svg'), 'utf8'), svg);
      assert.equal(await writeChart(join(dir, 'c.png'), svg, { scale: 1 }), 'png');
      const png = decodePng(readFileSync(join(dir, 'c.png')));
      const width = Number(/width="(\d+)"/.exec(svg)?.[1]);
      assert.equal(png.width, width);
      assert.equal(await writeChart(join(dir, 'c.out'), svg, { format: 'png', scale: 2 }), 'png');
      assert.equal(decodePng(readFileSync(join(dir, 'c.out'))).width, 2 * width);
      assert.throws(() => chartFormatOf('c.jpg'), /cannot tell the format of 'c.jpg' from its extension '.jpg'; name the file .svg or .png/);
      await assert.rejects(svgToPng(svg, { scale: 0 }), /scale must be a number in \(0, 8\], got 0/);
    });
  });
});
