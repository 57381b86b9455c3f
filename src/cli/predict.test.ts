import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import '../backend/engine.js';
import { loadMnist } from '../data/mnist.js';
import { createImage } from '../image/image.js';
import { saveKeras } from '../io/keras/keras-file.js';
import { mnistCnn } from '../models/mnist-cnn.js';
import { writePng } from '../node/image-io.js';
import { writeFileAtomic } from '../node/io/atomic-write.js';
import { predictImage, resizeBilinear } from './predict.js';

test('predict prints the model\'s top classes for an MNIST digit saved as PNG, with its probabilities', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fovea-predict-'));
  try {
    const model = mnistCnn({ seed: 4 });
    await writeFileAtomic(join(dir, 'm.keras'), await saveKeras(model));
    const x = loadMnist({ limitTrain: 1, limitTest: 1 }).testImages;
    writePng(join(dir, 'digit.png'), createImage(28, 28, 1, Float32Array.from(x.dataSync(), (v) => Math.round(v * 255))));
    const probs = Array.from(model.predict(x).dataSync());
    const best = probs.indexOf(Math.max(...probs));
    const lines = await predictImage(join(dir, 'm.keras'), join(dir, 'digit.png'), { top: 3 });
    assert.equal(lines.length, 4);
    assert.match(lines[0], /input 28x28x1\)$/);
    assert.equal(lines[1].trim().replace(/\s+/g, ' '), `class ${best} ${(probs[best] * 100).toFixed(2)}%`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bilinear resize keeps constants, interpolates between pixel centres and keeps the identity exact', () => {
  const img = createImage(2, 1, 1, Float32Array.of(0, 100));
  assert.deepEqual(Array.from(resizeBilinear(img, 4, 1).data), [0, 25, 75, 100]);
  const same = createImage(3, 2, 3, Float32Array.from({ length: 18 }, (_, i) => i * 7));
  assert.deepEqual(resizeBilinear(same, 3, 2).data, same.data);
});
