import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import '../backend/engine.js';
import { applyKernel, createImage, getKernel, KERNEL_NAMES, type Image } from './index.js';

/** A 10x8 grey image: black left half, white (255) right half (an edge between columns 4 and 5). */
function stepImage(): Image {
  const img = createImage(10, 8, 1);
  for (let y = 0; y < 8; y++) for (let x = 5; x < 10; x++) img.data[y * 10 + x] = 255;
  return img;
}

/** A 9x9 grey image with one bright vertical line at column 4. */
function lineImage(): Image {
  const img = createImage(9, 9, 1);
  for (let y = 0; y < 9; y++) img.data[y * 9 + 4] = 255;
  return img;
}

const row = (img: Image, y: number) => Array.from(img.data.slice(y * img.width * img.channels, (y + 1) * img.width * img.channels));

describe('named kernels on synthetic images with known edges', () => {
  it('Sobel x fires on the vertical edge (4 * 255 on both sides), Sobel y stays silent', () => {
    const raw = applyKernel(stepImage(), 'sobel-x', { output: 'raw' });
    assert.deepEqual(row(raw, 3), [0, 0, 0, 0, 1020, 1020, 0, 0, 0, 0]);
    assert.ok(applyKernel(stepImage(), 'sobel-y', { output: 'raw' }).data.every((v) => v === 0));
    // Pixels: the absolute response clipped to 255.
    assert.deepEqual(row(applyKernel(stepImage(), 'sobel-x'), 0), [0, 0, 0, 0, 255, 255, 0, 0, 0, 0]);
  });

  it('line detectors: vertical responds 6 * 255 on the line and -3 * 255 beside it; horizontal gives 0', () => {
    assert.deepEqual(row(applyKernel(lineImage(), 'line-vertical', { output: 'raw' }), 4), [0, 0, 0, -765, 1530, -765, 0, 0, 0]);
    assert.ok(applyKernel(lineImage(), 'line-horizontal', { output: 'raw' }).data.every((v) => v === 0));
    // A rising diagonal line (x + y = 6): the 45-degree kernel gives 3 * 2 * 255 on it, the 135-degree one 0.
    const diag = createImage(7, 7, 1);
    for (let y = 0; y < 7; y++) diag.data[y * 7 + (6 - y)] = 255;
    assert.equal(applyKernel(diag, 'line-45', { output: 'raw' }).data[3 * 7 + 3], 1530);
    assert.equal(applyKernel(diag, 'line-135', { output: 'raw' }).data[3 * 7 + 3], 0);
  });

  it('Laplacian: 8 * 255 at an isolated bright pixel, -255 around it, 0 on flat areas', () => {
    const img = createImage(5, 5, 1);
    img.data[12] = 255;
    const out = applyKernel(img, 'laplacian', { output: 'raw' });
    assert.deepEqual(row(out, 2), [0, -255, 2040, -255, 0]);
    assert.deepEqual(row(out, 0), [0, 0, 0, 0, 0]);
  });

  it('blurs keep a flat image flat and spread a bright pixel by 1/4, 1/8, 1/16', () => {
    const flat = createImage(6, 6, 3, new Float32Array(108).fill(100));
    for (const name of ['box-blur', 'gaussian-blur', 'sharpen', 'emboss', 'identity']) {
      assert.ok(applyKernel(flat, name).data.every((v) => Math.abs(v - 100) < 1e-3), name);
    }
    const img = createImage(3, 3, 1);
    img.data[4] = 160;
    assert.deepEqual(Array.from(applyKernel(img, 'gaussian-blur', { output: 'raw' }).data), [10, 20, 10, 20, 40, 20, 10, 20, 10]);
  });

  it('filters RGB channels independently and keeps alpha; unknown names list the kernels', () => {
    const img = createImage(3, 1, 4, Float32Array.from([0, 10, 20, 7, 30, 40, 50, 8, 60, 70, 80, 9]));
    const out = applyKernel(img, 'edge-enhance', { output: 'raw' });
    assert.deepEqual(Array.from(out.data), [0, 0, 0, 7, 30, 30, 30, 8, 30, 30, 30, 9]);
    assert.equal(KERNEL_NAMES.length, 13);
    assert.deepEqual(getKernel('laplacian').weights, [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]);
    assert.throws(() => getKernel('sobel'), /unknown kernel 'sobel'; available: identity, sobel-x/);
  });
});
