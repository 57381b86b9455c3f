/**
 * `loadIdxDataset(dir)`: any data set laid out like MNIST in IDX files (Fashion-MNIST, EMNIST,
 * KMNIST ...): `[prefix]train-images-idx3-ubyte`, `[prefix]train-labels-idx1-ubyte` and the test
 * pair named `t10k-...` or `test-...`, each raw or `.gz`. Images come back as [N, rows, cols, 1]
 * float32 in [0, 1], labels as [N] int32, read as `loadMnist` reads them (bounded, checked, in chunks).
 *
 * A folder holding several sets (EMNIST ships `emnist-balanced-...`, `emnist-letters-...`) needs
 * `prefix`. Nothing is downloaded. Note that EMNIST stores each image transposed (column-major),
 * as its authors document; pass `transpose: true` to get upright images.
 *
 * Example: `const fashion = loadIdxDataset('./fashion-mnist'); fashion.trainImages.shape // [60000, 28, 28, 1]`
 */
import { readdirSync } from 'node:fs';
import { loadIdxSplit } from '../data/mnist.js';
import { transpose } from '../ops/shape-ops.js';
import { noGrad } from '../autograd/grad-mode.js';
import type { Tensor } from '../tensor/tensor.js';

export interface IdxDatasetOptions {
  /** The part of the file names before `train-` / `t10k-` / `test-`, e.g. 'emnist-balanced-'. */
  prefix?: string;
  limitTrain?: number;
  limitTest?: number;
  /** Labels must lie below this; default: one more than the largest label found. */
  numClasses?: number;
  /** Swap rows and columns of every image (EMNIST's files are column-major). */
  transpose?: boolean;
}

export interface IdxDataset {
  trainImages: Tensor;
  trainLabels: Tensor;
  testImages: Tensor;
  testLabels: Tensor;
  numClasses: number;
  /** The four files read, by role. */
  files: { trainImages: string; trainLabels: string; testImages: string; testLabels: string };
}

const WHO = 'loadIdxDataset';
const NAME = /^(.*?)(train|t10k|test)-(images-idx3|labels-idx1)-ubyte(\.gz)?$/;
type Role = keyof IdxDataset['files'];

function roleOf(split: string, kind: string): Role {
  const train = split === 'train';
  if (kind === 'images-idx3') return train ? 'trainImages' : 'testImages';
  return train ? 'trainLabels' : 'testLabels';
}

/** The four files of the set named by `prefix` (or the only set in `dir`); a raw file wins over its `.gz`. */
export function findIdxFiles(dir: string, prefix?: string): IdxDataset['files'] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new Error(`${WHO}: cannot list ${dir} (${(e as Error).message})`);
  }
  const sets = new Map<string, Partial<IdxDataset['files']>>();
  for (const name of names.sort()) {
    const m = NAME.exec(name);
    if (m === null) continue;
    const files = sets.get(m[1]) ?? {};
    const role = roleOf(m[2], m[3]);
    if (files[role] === undefined || files[role]!.endsWith('.gz')) files[role] = name;
    sets.set(m[1], files);
  }
  const found = [...sets.keys()];
  if (found.length === 0) throw new Error(`${WHO}: ${dir} holds no IDX files named like MNIST's ([prefix]train-images-idx3-ubyte[.gz], ...)`);
  const chosen = prefix ?? (found.length === 1 ? found[0] : null);
  if (chosen === null) throw new Error(`${WHO}: ${dir} holds several IDX sets; choose one with prefix: ${found.map((p) => `'${p}'`).join(', ')}`);
  const files = sets.get(chosen);
  if (files === undefined) throw new Error(`${WHO}: ${dir} has no IDX set with prefix '${chosen}'; found ${found.map((p) => `'${p}'`).join(', ')}`);
  const missing = (['trainImages', 'trainLabels', 'testImages', 'testLabels'] as Role[]).filter((r) => files[r] === undefined);
  if (missing.length > 0) throw new Error(`${WHO}: the set '${chosen}' in ${dir} lacks its ${missing.join(', ')} file${missing.length > 1 ? 's' : ''}`);
  return files as IdxDataset['files'];
}

function largestLabel(labels: Tensor): number {
  let max = -1;
  for (const v of labels.dataSync()) max = Math.max(max, v);
  return max;
}

/** Loads the training and test splits of an IDX data set from `dir`. */
export function loadIdxDataset(dir: string, options: IdxDatasetOptions = {}): IdxDataset {
  const files = findIdxFiles(dir, options.prefix);
  // 256 lets every byte through; the real count is checked or inferred below.
  const numClasses = options.numClasses ?? 256;
  const split = (images: string, labels: string, limitName: string, limit?: number) =>
    loadIdxSplit({ dir, imagesFile: images, labelsFile: labels, numClasses, limitName, limit, who: WHO });
  let [trainImages, trainLabels] = split(files.trainImages, files.trainLabels, 'limitTrain', options.limitTrain);
  let [testImages, testLabels] = split(files.testImages, files.testLabels, 'limitTest', options.limitTest);
  if (trainImages.shape.slice(1).join() !== testImages.shape.slice(1).join()) {
    throw new Error(`${WHO}: training images are ${trainImages.shape.slice(1, 3).join('x')} but test images ${testImages.shape.slice(1, 3).join('x')} (${files.trainImages}, ${files.testImages})`);
  }
  if (options.transpose) [trainImages, testImages] = noGrad(() => [transpose(trainImages, [0, 2, 1, 3]), transpose(testImages, [0, 2, 1, 3])]);
  const classes = options.numClasses ?? Math.max(largestLabel(trainLabels), largestLabel(testLabels)) + 1;
  return { trainImages, trainLabels, testImages, testLabels, numClasses: classes, files };
}
