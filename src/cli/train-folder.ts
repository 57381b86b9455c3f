/**
 * `fovea train folder DIR`: trains a CNN on a folder with one sub-folder of images per class.
 * Prints what the loader found and the classes, trains with the progress bar (validation
 * accuracy each epoch), and with `--save OUT` writes the model (TensorFlow.js layers folder)
 * with its class names in model.json's userDefinedMetadata, which `fovea predict OUT image.png`
 * reads to print class names.
 */
import { imageDatasetFromDirectory } from '../node/data/image-dataset.js';
import type { ColorMode } from '../node/data/decode-image.js';
import { useTerminalProgressBar } from '../node/progress-bar.js';
import { Adam } from '../optimizers/adam.js';
import { smallCnn } from '../zoo/small-cnn.js';
import { useBackend } from './backend-option.js';

export interface TrainFolderOptions {
  model?: string;
  imageSize: number;
  validationSplit: number;
  colorMode: ColorMode;
  epochs: number;
  batchSize?: number;
  seed?: number;
  save?: string;
  workers?: number;
  /** Random flips, rotations and zooms while training (smallCnn's `augment`). */
  augment?: boolean;
  backend?: string;
  /** Draw the progress bar (default true; tests turn it off). */
  progress?: boolean;
}

/** Models `--model` names, each built for the folder's input shape and class count. */
export const FOLDER_MODELS = ['small-cnn'] as const;

/** The metadata saved with a folder-trained model and read back by `fovea predict`. */
export interface FolderModelMetadata {
  classNames: string[];
  /** The pixel range the model takes: 0..255, it rescales itself. */
  inputRange: [number, number];
  colorMode: ColorMode;
}

export async function runTrainFolder(dir: string, o: TrainFolderOptions, print: (line: string) => void = console.log): Promise<{ valAccuracy: number; classNames: string[] }> {
  const backend = useBackend(o.backend);
  const name = o.model ?? 'small-cnn';
  if (!(FOLDER_MODELS as readonly string[]).includes(name)) throw new Error(`train folder: unknown model '${name}'; available: ${FOLDER_MODELS.join(', ')}`);
  const seed = o.seed ?? 1;
  const [train, val] = imageDatasetFromDirectory(dir, {
    imageSize: [o.imageSize, o.imageSize], colorMode: o.colorMode, batchSize: o.batchSize ?? 32,
    validationSplit: o.validationSplit, subset: 'both', seed, workers: o.workers ?? 1, log: print,
  });
  const { classNames } = train;
  print(`Classes: ${classNames.join(', ')}`);
  const channels = { grayscale: 1, rgb: 3, rgba: 4 }[o.colorMode];
  const model = smallCnn([o.imageSize, o.imageSize, channels], classNames.length, { seed, augment: o.augment === true });
  model.compile({ optimizer: new Adam({ learningRate: 0.003 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  print(`Training ${name} (${model.countParams()} parameters, backend '${backend}') for ${o.epochs} epochs.`);
  if (o.progress !== false) useTerminalProgressBar();
  const history = await model.fit(train, { epochs: o.epochs, validationData: val, verbose: o.progress === false ? 0 : 1 });
  const acc = history.history.val_accuracy;
  const valAccuracy = acc[acc.length - 1];
  print(`Validation accuracy: ${(valAccuracy * 100).toFixed(2)}%`);
  if (o.save !== undefined) {
    if (/\.(keras|h5|onnx)$/i.test(o.save)) throw new Error(`train folder: --save ${o.save}: give a folder path; the TensorFlow.js layers format keeps the class names with the model`);
    const metadata: FolderModelMetadata = { classNames, inputRange: [0, 255], colorMode: o.colorMode };
    model.setUserDefinedMetadata({ ...metadata });
    await model.save(o.save);
    print(`Saved to ${o.save} (class names in model.json's userDefinedMetadata).`);
  }
  return { valAccuracy, classNames };
}
