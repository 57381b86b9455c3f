/** Losses and `getLoss`, which resolves the names `compile` accepts. */
import { binaryCrossentropy } from './binary-crossentropy.js';
import { categoricalCrossentropy } from './categorical-crossentropy.js';
import { Loss, type LossFn } from './loss.js';
import { meanAbsoluteError } from './mean-absolute-error.js';
import { meanSquaredError } from './mean-squared-error.js';
import { sparseCategoricalCrossentropy } from './sparse-categorical-crossentropy.js';
import { unknownNameError } from '../names/unknown-name.js';

export { Loss } from './loss.js';
export type { LossFn, LossOptions, Reduction } from './loss.js';
export { categoricalCrossentropy, CategoricalCrossentropy } from './categorical-crossentropy.js';
export type { CategoricalCrossentropyOptions } from './categorical-crossentropy.js';
export { sparseCategoricalCrossentropy, SparseCategoricalCrossentropy } from './sparse-categorical-crossentropy.js';
export type { SparseCategoricalCrossentropyOptions } from './sparse-categorical-crossentropy.js';
export { binaryCrossentropy, BinaryCrossentropy } from './binary-crossentropy.js';
export type { BinaryCrossentropyOptions } from './binary-crossentropy.js';
export { meanSquaredError, MeanSquaredError } from './mean-squared-error.js';
export { meanAbsoluteError, MeanAbsoluteError } from './mean-absolute-error.js';

/** Canonical (Keras) name -> function and the other spellings accepted for it. */
const LOSSES = [
  { name: 'categorical_crossentropy', fn: categoricalCrossentropy, aliases: ['categoricalCrossentropy', 'CategoricalCrossentropy'] },
  { name: 'sparse_categorical_crossentropy', fn: sparseCategoricalCrossentropy, aliases: ['sparseCategoricalCrossentropy', 'SparseCategoricalCrossentropy'] },
  { name: 'binary_crossentropy', fn: binaryCrossentropy, aliases: ['binaryCrossentropy', 'BinaryCrossentropy'] },
  { name: 'mean_squared_error', fn: meanSquaredError, aliases: ['mse', 'meanSquaredError', 'MeanSquaredError'] },
  { name: 'mean_absolute_error', fn: meanAbsoluteError, aliases: ['mae', 'meanAbsoluteError', 'MeanAbsoluteError'] },
] as const satisfies readonly { name: string; fn: LossFn; aliases: readonly string[] }[];

/** The loss names `compile` accepts: Keras's ('categorical_crossentropy'), short ('mse') and camelCase spellings. */
export type LossName = (typeof LOSSES)[number]['name'] | (typeof LOSSES)[number]['aliases'][number];

/** The names listed in errors (the class-name spellings are left out). */
const LOSS_NAMES: readonly string[] = LOSSES.flatMap((l) => [l.name, ...l.aliases.filter((a) => !/^[A-Z]/.test(a))]);

/**
 * A name gives the built-in loss with its canonical Keras name (which `getMetric` uses to pick
 * the right 'accuracy'); a function passes through, named after the built-in it is or its own name;
 * a Loss object (`new CategoricalCrossentropy({ fromLogits: true })`) applies its options under
 * the name of the built-in it wraps.
 */
export function getLoss(identifier: string | LossFn | Loss): { name: string; fn: LossFn } {
  if (identifier instanceof Loss) return { name: identifier.builtin, fn: (yTrue, yPred) => identifier.call(yTrue, yPred) };
  if (typeof identifier === 'function') {
    const builtin = LOSSES.find((l) => l.fn === identifier);
    return { name: builtin?.name ?? (identifier.name || 'loss'), fn: identifier };
  }
  const found = LOSSES.find((l) => l.name === identifier || (l.aliases as readonly string[]).includes(identifier));
  if (found === undefined) throw unknownNameError('loss', identifier, LOSS_NAMES, 'compile (a loss is a name, a function or a Loss object)');
  return { name: found.name, fn: found.fn };
}
