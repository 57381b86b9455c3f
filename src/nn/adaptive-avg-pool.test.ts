import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import '../backend/engine.js';
import { tensor } from '../ops/create.js';
import { assertClose } from '../testing/assert-close.js';
import { AdaptiveAvgPool2d, F } from './index.js';

/** PyTorch's definition, written out: cell (i, j) averages rows floor(i*H/oH)..ceil((i+1)*H/oH)-1, columns likewise. */
function expected(values: Float32Array, [n, c, h, w]: number[], oh: number, ow: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < n * c; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const [r0, r1, c0, c1] = [Math.floor((i * h) / oh), Math.ceil(((i + 1) * h) / oh), Math.floor((j * w) / ow), Math.ceil(((j + 1) * w) / ow)];
        let sum = 0;
        for (let r = r0; r < r1; r++) for (let q = c0; q < c1; q++) sum += values[b * h * w + r * w + q]!;
        out.push(sum / ((r1 - r0) * (c1 - c0)));
      }
    }
  }
  return out;
}

describe('nn.AdaptiveAvgPool2d / F.adaptiveAvgPool2d', () => {
  const shape = [2, 3, 7, 6];
  const values = Float32Array.from({ length: 2 * 3 * 7 * 6 }, (_, i) => Math.sin(i * 0.37) * 3);
  const x = tensor(values, shape);

  for (const [oh, ow] of [[1, 1], [7, 3], [3, 4], [5, 5], [7, 6]]) {
    it(`${shape.slice(2).join('x')} -> ${oh}x${ow} averages PyTorch's bins`, () => {
      const y = new AdaptiveAvgPool2d([oh, ow]).forward(x);
      assert.deepEqual(y.shape, [2, 3, oh, ow]);
      assertClose(y.dataSync(), expected(values, shape, oh, ow), { atol: 1e-6, what: `${oh}x${ow}` });
    });
  }

  it('null keeps an axis; an int is both; gradients spread each cell over its bin', () => {
    assert.deepEqual(F.adaptiveAvgPool2d(x, [null, 2]).shape, [2, 3, 7, 2]);
    assert.deepEqual(F.adaptiveAvgPool2d(x, 1).shape, [2, 3, 1, 1]);
    const g = tensor(values, shape);
    g.requiresGrad = true;
    F.adaptiveAvgPool2d(g, 1).sum().backward();
    assertClose(g.grad!.dataSync(), new Float32Array(values.length).fill(1 / 42), { atol: 1e-7 });
  });

  it('rejects a non-NCHW input and a bad size, naming the function and the value', () => {
    assert.throws(() => F.adaptiveAvgPool2d(tensor(values, [6, 7, 6]), 1), /F\.adaptiveAvgPool2d: expected NCHW input \[batch, channels, height, width\], got shape \[6, 7, 6\]/);
    assert.throws(() => new AdaptiveAvgPool2d(0), /AdaptiveAvgPool2d: outputSize must be positive integers or null, got 0/);
    assert.throws(() => F.adaptiveAvgPool2d(x, [2, 1.5]), /F\.adaptiveAvgPool2d: outputSize must be positive integers or null, got \[2,1\.5\]/);
  });
});
