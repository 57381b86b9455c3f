/**
 * imageDatasetFromDirectory: Keras 3's `image_dataset_from_directory` in camelCase. A folder with
 * one sub-folder per class becomes a Dataset of `[images, labels]` batches (images
 * [batch, height, width, channels] float32 in 0..255, as Keras gives them):
 *
 *   const [train, val] = imageDatasetFromDirectory('photos', { imageSize: [64, 64], validationSplit: 0.2, subset: 'both', seed: 1 });
 *   await model.fit(train, { epochs: 10, validationData: val });
 *   train.classNames; // ['cats', 'dogs']
 *
 * It streams: only the file list is held (compactly: UTF-8 names and offsets in small chunks, file-list.ts);
 * each batch's files are read and decoded when the batch is pulled (on worker threads with `workers`), so memory does not grow with the folder. Every
 * file's header is checked when the dataset is made, so a bad file stops the load, not training.
 * The folder is only read.
 */
import { engine } from '../../backend/engine.js';
import { Dataset } from '../../data/dataset.js';
import type { Interpolation } from '../../image/resize.js';
import { tensor } from '../../ops/create.js';
import { Random } from '../../tensor/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { CHANNELS, type ColorMode, decodeImagesInto, type DecodeOptions } from './decode-image.js';
import { type DecodedBatch, DecodePool } from './decode-pool.js';
import type { FileList } from './file-list.js';
import { PassOrders } from './pass-orders.js';
import { type ImageFolderIndex, indexImageFolder } from './image-folder-index.js';

export type LabelMode = 'int' | 'categorical' | 'binary';

export interface ImageDatasetOptions {
  /** 'inferred' (default: the class is the sub-folder), one class index per file in sorted path order, or null. */
  labels?: 'inferred' | readonly number[] | null;
  /** 'int' (default; int32 [batch]), 'categorical' (one-hot float32 [batch, classes]), 'binary' (float32 [batch, 1]) or null (images only). */
  labelMode?: LabelMode | null;
  /** With inferred labels: the sub-folders to use, in class order (default: all, sorted). */
  classNames?: readonly string[];
  /** 'rgb' (default), 'grayscale' or 'rgba'; every image is converted to it. */
  colorMode?: ColorMode;
  /** Images per batch (default 32); null gives single images. */
  batchSize?: number | null;
  /** [height, width] every image is resized to (default [256, 256]). */
  imageSize?: [number, number];
  /** Shuffle the files (default true): once before the split, then again every pass. */
  shuffle?: boolean;
  seed?: number;
  /** Fraction of the files held out for validation; needs `subset`. */
  validationSplit?: number;
  subset?: 'training' | 'validation' | 'both';
  /** 'bilinear' (default) or 'nearest'. */
  interpolation?: Interpolation;
  /** Crop the largest centred window of the target's aspect ratio before resizing. */
  cropToAspectRatio?: boolean;
  /** Pad with zeros to the target's aspect ratio before resizing. */
  padToAspectRatio?: boolean;
  /** Print "Found N files belonging to K classes." (default true). */
  verbose?: boolean;
  /** Where those lines go (default console.log). */
  log?: (line: string) => void;
  /** Worker threads that decode batches while training runs (default 0: decode on the main thread). */
  workers?: number;
  /** Largest file read (default 64 MiB). */
  maxFileBytes?: number;
  /** Largest image decoded, width x height (default 40 million pixels). */
  maxPixels?: number;
}

/** A Dataset of a folder's images, with Keras's `class_names` and `file_paths`. */
export type ImageDataset<T = [Tensor, Tensor]> = Dataset<T> & { readonly classNames: string[]; readonly filePaths: string[] };

const fail = (why: string) => new Error(`imageDatasetFromDirectory: ${why}`);

interface Settings {
  labelMode: LabelMode | null;
  batchSize: number | null;
  shuffle: boolean;
  seed: number;
  workers: number;
  decode: DecodeOptions;
}

/** Keras's argument checks, in Keras's order, then the defaults. */
function settingsOf(o: ImageDatasetOptions): Settings {
  const labels = o.labels === undefined ? 'inferred' : o.labels;
  if (labels !== 'inferred' && labels !== null && !Array.isArray(labels)) throw fail(`labels must be 'inferred', a list of class indices or null, got ${JSON.stringify(labels)}`);
  if (labels !== 'inferred' && o.classNames !== undefined) throw fail("classNames can only be given with labels 'inferred'");
  const labelMode = labels === null || o.labelMode === null ? null : o.labelMode ?? 'int';
  if (labelMode !== null && !['int', 'categorical', 'binary'].includes(labelMode)) throw fail(`labelMode must be 'int', 'categorical', 'binary' or null, got '${labelMode}'`);
  const colorMode = o.colorMode ?? 'rgb';
  if (!(colorMode in CHANNELS)) throw fail(`colorMode must be 'grayscale', 'rgb' or 'rgba', got '${colorMode}'`);
  const imageSize = o.imageSize ?? [256, 256];
  if (!Array.isArray(imageSize) || imageSize.length !== 2 || imageSize.some((d) => !Number.isInteger(d) || d < 1)) throw fail(`imageSize must be [height, width] of positive integers, got ${JSON.stringify(imageSize)}`);
  const interpolation = o.interpolation ?? 'bilinear';
  if (interpolation !== 'bilinear' && interpolation !== 'nearest') throw fail(`interpolation must be 'bilinear' or 'nearest' (Fovea has no other), got '${interpolation}'`);
  if (o.cropToAspectRatio && o.padToAspectRatio) throw fail('only one of padToAspectRatio and cropToAspectRatio can be true');
  const batchSize = o.batchSize === undefined ? 32 : o.batchSize;
  if (batchSize !== null && (!Number.isInteger(batchSize) || batchSize < 1)) throw fail(`batchSize must be a positive integer or null, got ${batchSize}`);
  const shuffle = o.shuffle ?? true;
  checkSplit(o, shuffle);
  const workers = o.workers ?? 0;
  if (!Number.isInteger(workers) || workers < 0) throw fail(`workers must be a non-negative integer, got ${workers}`);
  return {
    labelMode, batchSize, shuffle, workers,
    // As Keras: without a seed, one is drawn, so the file order and the split stay consistent.
    seed: o.seed ?? new Random().int(1e6),
    decode: {
      colorMode, imageSize: [imageSize[0], imageSize[1]], interpolation,
      cropToAspectRatio: o.cropToAspectRatio ?? false, padToAspectRatio: o.padToAspectRatio ?? false,
      maxFileBytes: o.maxFileBytes ?? 64 * 2 ** 20, maxPixels: o.maxPixels ?? 40e6,
    },
  };
}

/** Keras's check_validation_split_arg. */
function checkSplit(o: ImageDatasetOptions, shuffle: boolean): void {
  const split = o.validationSplit;
  if (split !== undefined && !(split > 0 && split < 1)) throw fail(`validationSplit must be between 0 and 1, got ${split}`);
  if ((split !== undefined) !== (o.subset !== undefined)) throw fail('give validationSplit and subset together (one is set without the other)');
  if (o.subset !== undefined && !['training', 'validation', 'both'].includes(o.subset)) throw fail(`subset must be 'training', 'validation' or 'both', got '${o.subset}'`);
  if (split !== undefined && shuffle && o.seed === undefined) {
    throw fail('with validationSplit and shuffle, give a seed, so that the training and validation subsets do not overlap');
  }
}

/** Files [start, end) of the shuffled index: ids into the index's FileList and labels, no per-file strings. */
interface Subset {
  files: FileList;
  ids: Int32Array;
  labels: Int32Array | null;
}

function sliceOf(index: ImageFolderIndex, order: Int32Array, start: number, end: number): Subset {
  // A view, not a copy: the order is then freed with the datasets, never in between (a freed
  // block of 128 KiB or more raises glibc's mmap threshold for good: see file-list.ts).
  return { files: index.files, ids: order.subarray(start, end), labels: index.labels };
}

/** The label tensor of files `ids` in the label mode. */
function labelTensor(labels: Int32Array, ids: readonly number[], mode: LabelMode, classes: number): Tensor {
  const picked = Int32Array.from(ids, (i) => labels[i]);
  if (mode === 'int') return tensor(picked, [picked.length], 'int32');
  if (mode === 'binary') return tensor(Float32Array.from(picked), [picked.length, 1]);
  const oneHot = new Float32Array(picked.length * classes);
  picked.forEach((k, i) => (oneHot[i * classes + k] = 1));
  return tensor(oneHot, [picked.length, classes]);
}

/** A batch decoded on a worker, copied from its shared slot into a tensor, and the slot given back. */
function fromSlot(batch: DecodedBatch, shape: number[]): Tensor {
  try {
    return engine.makeTensorWith(shape, 'float32', (view) => view.set(batch.values));
  } finally {
    batch.release();
  }
}

/** The Dataset over one subset: positions (reshuffled each pass), decoded a batch at a time. */
function subsetDataset(subset: Subset, classNames: string[], s: Settings, shuffle: boolean, pool: DecodePool | null): ImageDataset<unknown> {
  const { files, ids } = subset;
  const n = ids.length;
  const size = s.batchSize ?? 1;
  const steps = Math.ceil(n / size);
  let passes = 0;
  const orders = new PassOrders(n);
  const chunks = Dataset.fromGenerator(function* () {
    const order = shuffle ? orders.take((s.seed + Math.imul(++passes, 0x9e3779b9)) >>> 0) : null;
    try {
      for (let b = 0; b < steps; b++) {
        const [start, end] = [b * size, Math.min((b + 1) * size, n)];
        yield Array.from({ length: end - start }, (_, i) => ids[order === null ? start + i : order[start + i]]);
      }
    } finally {
      if (order !== null) orders.give(order);
    }
  }).assertCardinality(steps);
  const [height, width] = s.decode.imageSize;
  const channels = CHANNELS[s.decode.colorMode];
  const decode = async (batch: number[]) => {
    const paths = batch.map((i) => files.path(i));
    const names = batch.map((i) => files.name(i));
    const shape = s.batchSize === null ? [height, width, channels] : [batch.length, height, width, channels];
    const images = pool === null
      // Decoded straight into the tensor's storage: no batch-sized array in between.
      ? engine.makeTensorWith(shape, 'float32', (view) => decodeImagesInto(paths, names, s.decode, view))
      : fromSlot(await pool.decode(paths, names, s.decode), shape);
    if (s.labelMode === null || subset.labels === null) return images;
    const labels = labelTensor(subset.labels, batch, s.labelMode, classNames.length);
    return [images, s.batchSize === null ? tensor(labels.dataSync(), labels.shape.slice(1), labels.dtype) : labels];
  };
  // Every batch is decoded into fresh tensors that nothing else holds: fit may release them after its step.
  let data: Dataset<unknown> = chunks.map(decode, { numParallelCalls: Math.max(1, s.workers) }).handingOverElements();
  if (pool !== null) data = data.prefetch(Math.max(1, s.workers));
  // Keras's file_paths, made when asked (holding them would cost a string per file).
  return Object.defineProperties(data, {
    classNames: { value: [...classNames], enumerable: true },
    filePaths: { get: () => Array.from(ids, (i) => files.path(i)), enumerable: true },
  }) as ImageDataset<unknown>;
}

/** The datasets of a folder: one, or [training, validation] with subset 'both'. */
export function imageDatasetFromDirectory(dir: string, options: ImageDatasetOptions & { subset: 'both' }): [ImageDataset, ImageDataset];
export function imageDatasetFromDirectory(dir: string, options?: ImageDatasetOptions): ImageDataset;
export function imageDatasetFromDirectory(dir: string, options: ImageDatasetOptions = {}): ImageDataset | [ImageDataset, ImageDataset] {
  const s = settingsOf(options);
  // As Keras: without a label mode there are no labels, and every image under the folder is used.
  const labels = s.labelMode === null ? null : options.labels === undefined ? 'inferred' : options.labels;
  const index = indexImageFolder(dir, { labels, classNames: labels === null ? undefined : options.classNames, maxPixels: s.decode.maxPixels, maxFileBytes: s.decode.maxFileBytes });
  const n = index.files.length;
  if (s.labelMode === 'binary' && index.classNames.length !== 2) {
    throw fail(`labelMode 'binary' needs exactly 2 classes, found ${index.classNames.length} (${index.classNames.join(', ')})`);
  }
  const log = options.log ?? ((line: string) => console.log(line));
  const say = options.verbose === false ? () => undefined : log;
  say(labels === null ? `Found ${n} files.` : `Found ${n} files belonging to ${index.classNames.length} classes.`);
  const order = s.shuffle ? new Random(s.seed).permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
  const pool = s.workers > 0 ? DecodePool.shared(s.workers) : null;
  const make = (start: number, end: number, shuffle: boolean) => subsetDataset(sliceOf(index, order, start, end), index.classNames, s, shuffle, pool) as ImageDataset;
  if (options.validationSplit === undefined) return make(0, n, s.shuffle);
  const held = Math.trunc(options.validationSplit * n);
  if (held === 0 || held === n) throw fail(`validationSplit ${options.validationSplit} of ${n} files leaves ${held === 0 ? 'no file for validation' : 'no file for training'}`);
  const training = () => {
    say(`Using ${n - held} files for training.`);
    return make(0, n - held, s.shuffle);
  };
  const validation = (shuffle: boolean) => {
    say(`Using ${held} files for validation.`);
    return make(n - held, n, shuffle);
  };
  if (options.subset === 'training') return training();
  if (options.subset === 'validation') return validation(s.shuffle);
  // As Keras for 'both': the validation subset is not reshuffled.
  return [training(), validation(false)];
}
