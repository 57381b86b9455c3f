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

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a built-in model on its data set and report test loss and accuracy')
    .argument('<dataset>', 'mnist (the seed CNN on MNIST)')
    .option('--epochs <n>', 'training epochs', positiveInt, 5)
    .option('--batch-size <n>', 'samples per step', positiveInt, 64)
    .option('--seed <n>', 'fixes initial weights and shuffling (the same seed gives the same run)', nonNegativeInt, 1)
    .option('--limit <n>', 'use only the first N training (and at most N test) images', positiveInt)
    .option('--json', 'print one JSON object per line (start, epoch, result events)')
    .option('--backend <name>', 'backend to run on (default: the highest-priority one registered)')
    .action(async (dataset: string, options: TrainOptions) => {
      if (dataset !== 'mnist') throw new Error(`train: unknown data set '${dataset}'; available: mnist`);
      await runTrainMnist(options);
    });
}
