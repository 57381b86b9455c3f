/** Optimizers and `getOptimizer`, which resolves the names `compile` accepts. */
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';
import { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';
import { unknownNameError } from '../names/unknown-name.js';

export { Optimizer } from './optimizer.js';
export type { GradientPair, BaseOptimizerOptions } from './optimizer.js';
export { LearningRateSchedule, ExponentialDecay, PiecewiseConstantDecay, CosineDecay } from './schedules.js';
export type { ClipOptions } from './clipping.js';
export { SGD } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { RMSprop } from './rmsprop.js';
export type { RMSpropOptions } from './rmsprop.js';
export { Adam } from './adam.js';
export type { AdamOptions } from './adam.js';
export { AdamW } from './adamw.js';
export type { AdamWOptions } from './adamw.js';

// Keyed by the lower-cased name, so 'adam', 'Adam', 'RMSprop', 'rmsProp' and 'adamW' all resolve.
const FACTORIES = new Map<string, () => Optimizer>([
  ['sgd', () => new SGD()],
  ['rmsprop', () => new RMSprop()],
  ['adam', () => new Adam()],
  ['adamw', () => new AdamW()],
]);

/**
 * The optimizer names `compile` accepts, in Keras's spellings: lower case ('rmsprop') and the class
 * names ('RMSprop', 'AdamW'). At run time any letter case resolves.
 */
export type OptimizerName = 'sgd' | 'rmsprop' | 'adam' | 'adamw' | 'SGD' | 'RMSprop' | 'Adam' | 'AdamW';

/** An optimizer instance passes through; a name gives a new one with Keras' default settings. */
export function getOptimizer(identifier: string | Optimizer): Optimizer {
  if (identifier instanceof Optimizer) return identifier;
  const make = typeof identifier === 'string' ? FACTORIES.get(identifier.toLowerCase()) : undefined;
  if (make === undefined) throw unknownNameError('optimizer', identifier, [...FACTORIES.keys()], 'compile (an optimizer is a name, in any letter case, or an Optimizer)');
  return make();
}
export { MovingAverages } from './ema.js';
export type { EmaOptions, EmaSettings } from './ema.js';
