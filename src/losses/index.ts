/** Losses and `getLoss`, which resolves the names `compile` accepts. */
import { binaryCrossentropy, binaryCrossentropyUnreduced } from './binary-crossentropy.js';
import { categoricalCrossentropy, categoricalCrossentropyUnreduced } from './categorical-crossentropy.js';
import { Loss, type LossFn, type ResolvedLoss, type UnreducedLossFn } from './loss.js';
import { meanAbsoluteError, meanAbsoluteErrorUnreduced } from './mean-absolute-error.js';
import { meanSquaredError, meanSquaredErrorUnreduced } from './mean-squared-error.js';
import { sparseCategoricalCrossentropy, sparseCategoricalCrossentropyUnreduced } from './sparse-categorical-crossentropy.js';
import { unknownNameError } from '../names/unknown-name.js';

export { Loss } from './loss.js';
export type { LossFn, LossOptions, Reduction, ResolvedLoss, UnreducedLossFn } from './loss.js';
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
  { name: 'categorical_crossentropy', fn: categoricalCrossentropy, unreduced: categoricalCrossentropyUnreduced, aliases: ['categoricalCrossentropy', 'CategoricalCrossentropy'] },
  { name: 'sparse_categorical_crossentropy', fn: sparseCategoricalCrossentropy, unreduced: sparseCategoricalCrossentropyUnreduced, aliases: ['sparseCategoricalCrossentropy', 'SparseCategoricalCrossentropy'] },
  { name: 'binary_crossentropy', fn: binaryCrossentropy, unreduced: binaryCrossentropyUnreduced, aliases: ['binaryCrossentropy', 'BinaryCrossentropy'] },
  { name: 'mean_squared_error', fn: meanSquaredError, unreduced: meanSquaredErrorUnreduced, aliases: ['mse', 'meanSquaredError', 'MeanSquaredError'] },
  { name: 'mean_absolute_error', fn: meanAbsoluteError, unreduced: meanAbsoluteErrorUnreduced, aliases: ['mae', 'meanAbsoluteError', 'MeanAbsoluteError'] },
] as const satisfies readonly { name: string; fn: LossFn; unreduced: UnreducedLossFn; aliases: readonly string[] }[];

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
export function getLoss(identifier: string | LossFn | Loss): ResolvedLoss {
  if (identifier instanceof Loss) {
    const unreduced = unreducedMatchesCall(identifier) ? identifier.unreduced!.bind(identifier) : null;
    return { name: identifier.builtin, fn: (yTrue, yPred) => identifier.call(yTrue, yPred), unreduced };
  }
  if (typeof identifier === 'function') {
    const builtin = LOSSES.find((l) => l.fn === identifier);
    return { name: builtin?.name ?? (identifier.name || 'loss'), fn: identifier, unreduced: builtin?.unreduced ?? null };
  }
  const found = LOSSES.find((l) => l.name === identifier || (l.aliases as readonly string[]).includes(identifier));
  if (found === undefined) throw unknownNameError('loss', identifier, LOSS_NAMES, 'compile (a loss is a name, a function or a Loss object)');
  return { name: found.name, fn: found.fn, unreduced: found.unreduced };
}

/**
 * Whether a Loss object's `unreduced` values are those its `call` averages: true unless a subclass
 * redefined `call` below the class that defines `unreduced` (a user's subclass of a built-in loss
 * that changes only `call`), whose weighted training then calls `call` once per sample.
 */
function unreducedMatchesCall(loss: Loss): boolean {
  if (loss.unreduced === undefined) return false;
  for (let proto: object | null = Object.getPrototypeOf(loss); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const ownsCall = Object.prototype.hasOwnProperty.call(proto, 'call');
    if (Object.prototype.hasOwnProperty.call(proto, 'unreduced')) return true;
    if (ownsCall) return false;
  }
  return false;
}
