/**
 * `fovea train mnist`: trains the seed CNN on MNIST and reports test loss and accuracy, either
 * for a person (summary, live progress bar, a result line) or for a program (`--json`: one JSON
 * object per line).
 */
import { type Command, InvalidArgumentError } from 'commander';
import { Callback, type Logs } from '../callbacks/callback.js';
import { loadMnist } from '../data/mnist.js';
import { toCategorical } from '../data/to-categorical.js';
import { mnistCnn } from '../models/mnist-cnn.js';
import { useTerminalProgressBar } from '../node/progress-bar.js';
import { useBackend } from './backend-option.js';
import { runTrainFolder } from './train-folder.js';

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  seed?: number;
  limit?: number;
  json?: boolean;
  backend?: string;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  return n;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a non-negative integer, got '${value}'`);
  return n;
}

/** Wall-clock seconds per epoch; in JSON mode also prints one event per finished epoch. */
class EpochReporter extends Callback {
  readonly epochSeconds: number[] = [];
  private started = 0;

  constructor(private readonly emit: ((event: Record<string, unknown>) => void) | null) {
    super();
  }

  override onEpochBegin(): void {
    this.started = performance.now();
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const seconds = (performance.now() - this.started) / 1000;
    this.epochSeconds.push(seconds);
    this.emit?.({ event: 'epoch', epoch: epoch + 1, epochs: this.params?.epochs, ...logs, seconds });
  }
}

/** Trains and evaluates; every line of output goes through `print`. */
export async function runTrainMnist(o: TrainOptions, print: (line: string) => void = console.log): Promise<{ testLoss: number; testAccuracy: number; epochSeconds: number[] }> {
  const backend = useBackend(o.backend);
  const emit = o.json ? (event: Record<string, unknown>) => print(JSON.stringify(event)) : null;
  const data = loadMnist({ limitTrain: o.limit, limitTest: o.limit === undefined ? undefined : Math.min(o.limit, 10000) });
  const model = mnistCnn({ seed: o.seed });
  model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  const trainSamples = data.trainImages.shape[0];
  const testSamples = data.testImages.shape[0];
  if (emit) {
    emit({ event: 'start', backend, model: 'mnist-cnn', params: model.countParams(), trainSamples, testSamples, epochs: o.epochs, batchSize: o.batchSize, seed: o.seed ?? null });
  } else {
    model.summary(print);
    print(`Training on ${trainSamples} MNIST images (backend '${backend}'), testing on ${testSamples}.`);
    useTerminalProgressBar();
  }
  const reporter = new EpochReporter(emit);
  await model.fit(data.trainImages, toCategorical(data.trainLabels, 10), {
    epochs: o.epochs, batchSize: o.batchSize, callbacks: [reporter], verbose: o.json ? 0 : 1,
  });
  const [testLoss, testAccuracy] = model.evaluate(data.testImages, toCategorical(data.testLabels, 10), { batchSize: 256, verbose: 0 });
  const result = { testLoss, testAccuracy, epochSeconds: reporter.epochSeconds };
  if (emit) emit({ event: 'result', ...result });
  else print(`Test loss: ${testLoss.toFixed(4)} - test accuracy: ${(testAccuracy * 100).toFixed(2)}%`);
  return result;
}

function fraction(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`expected a number between 0 and 1, got '${value}'`);
  return n;
}

function colorMode(value: string): 'grayscale' | 'rgb' | 'rgba' {
  if (value !== 'grayscale' && value !== 'rgb' && value !== 'rgba') throw new InvalidArgumentError(`expected grayscale, rgb or rgba, got '${value}'`);
  return value;
}

interface TrainCommandOptions extends Omit<TrainOptions, 'batchSize'> {
  batchSize?: number;
  model?: string;
  imageSize: number;
  validationSplit: number;
  colorMode: 'grayscale' | 'rgb' | 'rgba';
  save?: string;
  workers: number;
  augment?: boolean;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a built-in model on MNIST, or a CNN on a folder of images (one sub-folder per class)')
    .argument('<dataset>', "mnist (the seed CNN on MNIST) or folder (then DIR)")
    .argument('[dir]', 'with folder: the folder of class sub-folders')
    .option('--epochs <n>', 'training epochs', positiveInt, 5)
    .option('--batch-size <n>', 'samples per step (default 64 for mnist, 32 for a folder)', positiveInt)
    .option('--model <name>', 'folder: the model to train (small-cnn)')
    .option('--image-size <n>', 'folder: images are resized to n x n', positiveInt, 32)
    .option('--validation-split <f>', 'folder: fraction of the images held out for validation', fraction, 0.2)
    .option('--color-mode <mode>', 'folder: grayscale, rgb or rgba', colorMode, 'rgb')
    .option('--workers <n>', 'folder: threads decoding images while training runs (0: the main thread)', nonNegativeInt, 1)
    .option('--augment', 'folder: random flips, rotations and zooms while training (identity when predicting)')
    .option('--save <dir>', 'folder: save the trained model there (TensorFlow.js layers folder, with the class names)')
    .option('--seed <n>', 'fixes initial weights and shuffling (the same seed gives the same run)', nonNegativeInt, 1)
    .option('--limit <n>', 'use only the first N training (and at most N test) images', positiveInt)
    .option('--json', 'print one JSON object per line (start, epoch, result events)')
    .option('--backend <name>', 'backend to run on (default: the highest-priority one registered)')
    .action(async (dataset: string, dir: string | undefined, options: TrainCommandOptions) => {
      if (dataset === 'folder') {
        if (dir === undefined) throw new Error('train folder: give the folder: fovea train folder DIR');
        if (options.json || options.limit !== undefined) throw new Error('train folder: --json and --limit are for mnist');
        await runTrainFolder(dir, options);
        return;
      }
      if (dataset !== 'mnist') throw new Error(`train: unknown data set '${dataset}'; available: mnist, folder DIR`);
      if (dir !== undefined) throw new Error(`train mnist: unexpected argument '${dir}'`);
      await runTrainMnist({ ...options, batchSize: options.batchSize ?? 64 });
    });
}
