/** `fovea summary <model>`: prints the Keras-style table of a built-in model. */
import type { Command } from 'commander';
import { mnistCnn } from '../models/mnist-cnn.js';
import type { Sequential } from '../models/sequential.js';
import { formatLayerTable, layerTable } from '../inspect/layer-table.js';
import { summary as moduleSummary } from '../nn/summary.js';
import { ALEXNET_INPUT_SHAPE, alexnetLayers } from '../zoo/alexnet.js';
import { cifarVgg } from '../zoo/cifar-vgg.js';
import { LeNet5, lenet5 } from '../zoo/lenet5.js';
import { mobilenetMini } from '../zoo/mobilenet-mini.js';
import { resnet8 } from '../zoo/resnet8.js';
import { ensureBackends } from './backend-option.js';

/** Built-in models by CLI name. */
export const MODELS: Record<string, (seed?: number) => Sequential> = {
  'mnist-cnn': (seed) => mnistCnn({ seed }),
};

export function modelByName(name: string, seed?: number): Sequential {
  const make = MODELS[name];
  if (make === undefined) throw new Error(`unknown model '${name}'; available: ${Object.keys(MODELS).join(', ')}`);
  return make(seed);
}

/**
 * Models `fovea summary` prints besides MODELS: LeNet-5 is an nn Module (traced on one input);
 * AlexNet is summarised from its configuration, without allocating its 62 million weights; the
 * 32x32 zoo models are Keras-style, so their totals include BatchNormalization's moving statistics.
 */
const OTHER_SUMMARIES: Record<string, (print: (line: string) => void) => string> = {
  lenet5: (print) => moduleSummary(lenet5(), LeNet5.inputShape, print),
  alexnet: (print) => {
    const text = formatLayerTable('alexnet', layerTable(alexnetLayers(), ALEXNET_INPUT_SHAPE));
    print(text);
    return text;
  },
  'cifar-vgg': (print) => cifarVgg().summary(print),
  resnet8: (print) => resnet8().summary(print),
  'mobilenet-mini': (print) => mobilenetMini().summary(print),
};

export const SUMMARY_MODELS = [...Object.keys(MODELS), ...Object.keys(OTHER_SUMMARIES)];

/** Prints the summary of any built-in model by CLI name. */
export function printSummary(name: string, print: (line: string) => void = console.log): string {
  ensureBackends();
  const other = OTHER_SUMMARIES[name];
  if (other !== undefined) return other(print);
  if (MODELS[name] === undefined) throw new Error(`unknown model '${name}'; available: ${SUMMARY_MODELS.join(', ')}`);
  return modelByName(name).summary(print);
}

export function registerSummary(program: Command): void {
  program
    .command('summary')
    .description('print the layers, output shapes and parameter counts of a built-in model')
    .argument('<model>', `one of: ${SUMMARY_MODELS.join(', ')}`)
    .action((name: string) => {
      printSummary(name);
    });
}
