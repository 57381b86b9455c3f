/** `fovea receptive-field <model>`: per layer, output size, receptive field and input coverage. */
import type { Command } from 'commander';
import { formatReceptiveField, receptiveField } from '../inspect/receptive-field.js';
import { mnistCnn } from '../models/mnist-cnn.js';
import { alexnetLayers } from '../zoo/alexnet.js';
import { lenet5 } from '../zoo/lenet5.js';
import { ensureBackends } from './backend-option.js';

export const RECEPTIVE_FIELD_MODELS = ['mnist-cnn', 'lenet5', 'alexnet'];

export function receptiveFieldText(name: string, dropPooling = false): string {
  ensureBackends();
  const options = { dropPooling };
  const table =
    name === 'mnist-cnn' ? receptiveField(mnistCnn(), options)
      : name === 'lenet5' ? receptiveField(lenet5(), options)
        : name === 'alexnet' ? receptiveField(alexnetLayers(), options)
          : null;
  if (table === null) throw new Error(`unknown model '${name}'; available: ${RECEPTIVE_FIELD_MODELS.join(', ')}`);
  return `${name}${dropPooling ? ' without its pooling layers' : ''}:\n${formatReceptiveField(table)}`;
}

export function registerReceptiveField(program: Command): void {
  program
    .command('receptive-field')
    .description('print, per layer, the output size, the receptive field on the input and how much of the input it covers')
    .argument('<model>', RECEPTIVE_FIELD_MODELS.join(', '))
    .option('--no-pooling', 'leave the pooling layers out, to compare')
    .action((name: string, o: { pooling: boolean }) => console.log(receptiveFieldText(name, !o.pooling)));
}
