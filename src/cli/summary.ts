/** `fovea summary <model>`: prints the Keras-style table of a built-in model. */
import type { Command } from 'commander';
import { mnistCnn } from '../models/mnist-cnn.js';
import type { Sequential } from '../models/sequential.js';
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

export function registerSummary(program: Command): void {
  program
    .command('summary')
    .description('print the layers, output shapes and parameter counts of a built-in model')
    .argument('<model>', `one of: ${Object.keys(MODELS).join(', ')}`)
    .action((name: string) => {
      ensureBackends();
      modelByName(name).summary();
    });
}
