// Images for the browser pages: each one of 10 fixed random 28x28 patterns plus noise, labelled by
// pattern, so a CNN learns them in a few steps. Returns NHWC images and int32 labels.
import { ops } from '/dist/src/index.js';

export function syntheticDigits(rng, n) {
  const protos = Array.from({ length: 10 }, () => Float32Array.from({ length: 784 }, () => rng.uniform()));
  const images = new Float32Array(n * 784), labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 10;
    for (let p = 0; p < 784; p++) images[i * 784 + p] = Math.min(1, Math.max(0, protos[i % 10][p] + 0.3 * rng.normal()));
  }
  return { images: ops.tensor(images, [n, 28, 28, 1]), labels: ops.tensor(labels, [n], 'int32') };
}
