import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import jpeg from 'jpeg-js';
import { decodePng, writePng } from '../node/image-io.js';
import { runFilter } from './filter.js';
import { receptiveFieldText } from './receptive-field.js';
import { printSummary } from './summary.js';

const MAIN = join(fileURLToPath(new URL('.', import.meta.url)), 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'fovea-cli-'));
const fovea = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });

/** 12x10 RGB picture: left half black, right half orange. */
function stepRgba(): { width: number; height: number; data: Uint8ClampedArray } {
  const data = new Uint8ClampedArray(12 * 10 * 4);
  for (let i = 0; i < 120; i++) data.set(i % 12 >= 6 ? [255, 128, 0, 255] : [0, 0, 0, 255], i * 4);
  return { width: 12, height: 10, data };
}

describe('fovea explain', () => {
  it('conv: the slide example ends with [[4,3,4],[2,4,3],[2,3,4]]', () => {
    const r = fovea('explain', 'conv');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').at(-1), '[[4,3,4],[2,4,3],[2,3,4]]');
    assert.match(r.stdout, /Step 9: output\[2\]\[2\]/);
  });

  it('conv and pool on user matrices; a bad matrix is a clear error', () => {
    const c = fovea('explain', 'conv', '--input', '[[1,2,3],[4,5,6],[7,8,9]]', '--kernel', '[[1,0],[0,-1]]');
    assert.equal(c.stdout.trim().split('\n').at(-1), '[[-4,-4],[-4,-4]]');
    const p = fovea('explain', 'pool', '--input', '[[1,2],[3,4]]', '--mode', 'avg');
    assert.match(p.stdout, /\(1 \+ 2 \+ 3 \+ 4\) \/ 4 = 2.5/);
    const bad = fovea('explain', 'conv', '--input', '[[1,2],[3]]');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /input must be a non-empty rectangular matrix/);
  });
});

describe('fovea receptive-field and summary', () => {
  it('prints the seed CNN table with and without pooling', () => {
    assert.match(receptiveFieldText('mnist-cnn'), /3x3\s+18x18\s+324\s+41.3%/);
    assert.match(receptiveFieldText('mnist-cnn', true), /22x22\s+7x7\s+49\s+6.25%/);
    assert.throws(() => receptiveFieldText('vgg'), /unknown model 'vgg'; available: mnist-cnn, lenet5, alexnet/);
  });

  it('summarises lenet5 and alexnet (from shapes) as well as mnist-cnn', () => {
    assert.match(printSummary('alexnet', () => {}), /Total params: 62,378,344/);
    assert.match(printSummary('lenet5', () => {}), /Total params: 176,050/);
    assert.match(printSummary('mnist-cnn', () => {}), /Total params: 93,322/);
  });

  it("summarises the 32x32 zoo models with torch_zoo.py's trainable counts and Keras totals", () => {
    for (const [name, total, trainable] of [['cifar-vgg', '141,994', '141,354'], ['resnet8', '79,050', '78,378'], ['mobilenet-mini', '70,794', '68,874']]) {
      const lines: string[] = [];
      printSummary(name!, (l) => lines.push(l));
      assert.match(lines.join('\n'), new RegExp(`Total params: ${total}\\nTrainable params: ${trainable}\\n`), name);
    }
    assert.throws(() => printSummary('resnet', () => {}), /unknown model 'resnet'; available: mnist-cnn, lenet5, alexnet, cifar-vgg, resnet8, mobilenet-mini/);
  });
});

describe('fovea filter', () => {
  it('reads PNG and JPEG, filters RGB per channel, writes a PNG of the same size', () => {
    const png = join(dir, 'step.png');
    writePng(png, stepRgba());
    const out = join(dir, 'edges.png');
    runFilter(png, { kernel: 'sobel-x', output: out }, () => {});
    const edges = decodePng(readFileSync(out));
    assert.deepEqual([edges.width, edges.height], [12, 10]);
    const px = (x: number, y: number) => Array.from(edges.data.slice((y * 12 + x) * 4, (y * 12 + x) * 4 + 3));
    // Red and green channels jump at the edge (responses 4*255 and 4*128, clipped); flat areas stay black.
    assert.deepEqual(px(5, 4), [255, 255, 0]);
    assert.deepEqual(px(1, 4), [0, 0, 0]);
    const jpg = join(dir, 'step.jpg');
    writeFileSync(jpg, jpeg.encode({ ...stepRgba(), data: Buffer.from(stepRgba().data) }, 95).data);
    runFilter(jpg, { kernel: 'gaussian-blur', output: join(dir, 'blur.png'), grey: true }, () => {});
    assert.equal(decodePng(readFileSync(join(dir, 'blur.png'))).width, 12);
    assert.throws(() => runFilter(png, { kernel: 'blurry', output: out }), /unknown kernel 'blurry'/);
  });

  it('--list names the 13 kernels', () => {
    const lines: string[] = [];
    runFilter(undefined, { list: true }, (l) => lines.push(l));
    assert.equal(lines.length, 13);
  });
});
