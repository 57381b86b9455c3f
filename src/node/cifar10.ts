/**
 * `loadCifar10(dir)`: CIFAR-10's binary version from a folder the user has (nothing is
 * downloaded): `data_batch_1.bin` ... `data_batch_5.bin` (training), `test_batch.bin` and
 * `batches.meta.txt` (the class names; CIFAR-10's published names when it is absent). Images come
 * back as [N, 32, 32, 3] float32 NHWC, in [0, 1] (or 0-255 with `scale: false`), labels as [N]
 * int32, with `classNames`. Every read is bounded by the bytes a batch can hold; a truncated or
 * padded file is an error naming it.
 *
 * Example: `const { trainImages, trainLabels, classNames } = loadCifar10('./cifar-10-batches-bin');`
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { engine } from '../backend/engine.js';
import {
  CIFAR10_CLASS_NAMES, CIFAR10_RECORD_BYTES, CIFAR10_SIDE, cifarRecordCount, decodeCifarRecords, parseCifarClassNames,
} from '../data/cifar10.js';
import type { Tensor } from '../tensor/tensor.js';

export interface Cifar10Options {
  /** Keep only the first N training (and test) images. */
  limitTrain?: number;
  limitTest?: number;
  /** true (default): pixels in [0, 1]; false: the bytes 0-255 as float32. */
  scale?: boolean;
}

export interface Cifar10 {
  trainImages: Tensor;
  trainLabels: Tensor;
  testImages: Tensor;
  testLabels: Tensor;
  classNames: string[];
}

export const CIFAR10_TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const CIFAR10_TEST_FILE = 'test_batch.bin';
export const CIFAR10_META_FILE = 'batches.meta.txt';

const WHO = 'loadCifar10';
/** The official batches hold 10,000 records; a file may hold up to 60,000 (all of CIFAR-10). */
const MAX_BATCH_BYTES = 60_000 * CIFAR10_RECORD_BYTES;
const MAX_META_BYTES = 64 * 1024;

/** The whole file if it holds at most `maxBytes`, counting bytes actually read. */
function readBounded(path: string, maxBytes: number): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new Error(`${WHO}: cannot read ${path} (${(e as Error).message})`);
  }
  try {
    const buffer = new Uint8Array(maxBytes + 1);
    let total = 0;
    for (let got = -1; got !== 0 && total <= maxBytes;) {
      got = readSync(fd, buffer, total, buffer.length - total, total);
      total += got;
    }
    if (total > maxBytes) throw new Error(`${WHO}: ${path} is larger than the ${maxBytes} bytes a CIFAR-10 file can hold`);
    return buffer.subarray(0, total);
  } finally {
    closeSync(fd);
  }
}

function checkLimit(name: string, limit: number | undefined): number {
  if (limit === undefined) return Infinity;
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`${WHO}: ${name} must be a positive integer, got ${limit}`);
  return limit;
}

/** The records of `files` (in order, up to `limit`) as one images tensor and one labels tensor. */
function loadSplit(dir: string, files: readonly string[], limit: number, scale: number): [Tensor, Tensor] {
  const batches: { bytes: Uint8Array; take: number; path: string }[] = [];
  let total = 0;
  for (const file of files) {
    if (total >= limit) break;
    const path = join(dir, file);
    const bytes = readBounded(path, MAX_BATCH_BYTES);
    const take = Math.min(cifarRecordCount(bytes.length, `${WHO}: ${path}`), limit - total);
    batches.push({ bytes, take, path });
    total += take;
  }
  const labels = new Int32Array(total);
  // Decoded straight into backend memory: a float32 copy in a JS array would double the 614 MB
  // the 50,000 training images take.
  const x = engine.makeTensorWith([total, CIFAR10_SIDE, CIFAR10_SIDE, 3], 'float32', (view) => {
    let at = 0;
    for (const b of batches) {
      decodeCifarRecords(b.bytes, 0, b.take, scale, { pixels: view as Float32Array, labels, at }, `${WHO}: ${b.path}`);
      at += b.take;
    }
  });
  const y = engine.makeTensorWith([total], 'int32', (view) => view.set(labels));
  return [x, y];
}

function classNames(dir: string): string[] {
  const path = join(dir, CIFAR10_META_FILE);
  if (!existsSync(path)) return [...CIFAR10_CLASS_NAMES];
  return parseCifarClassNames(new TextDecoder().decode(readBounded(path, MAX_META_BYTES)), `${WHO}: ${path}`);
}

/** Loads CIFAR-10's training (50,000) and test (10,000) images from its binary files in `dir`. */
export function loadCifar10(dir: string, options: Cifar10Options = {}): Cifar10 {
  const scale = options.scale === false ? 1 : 1 / 255;
  const names = classNames(dir);
  const [trainImages, trainLabels] = loadSplit(dir, CIFAR10_TRAIN_FILES, checkLimit('limitTrain', options.limitTrain), scale);
  const [testImages, testLabels] = loadSplit(dir, [CIFAR10_TEST_FILE], checkLimit('limitTest', options.limitTest), scale);
  return { trainImages, trainLabels, testImages, testLabels, classNames: names };
}
