/** Metrics and `getMetric`, which resolves the names `compile({ metrics })` accepts. */
import { meanAbsoluteError } from '../losses/mean-absolute-error.js';
import { meanSquaredError } from '../losses/mean-squared-error.js';
import { binaryAccuracy } from './binary-accuracy.js';
import { categoricalAccuracy } from './categorical-accuracy.js';
import type { MetricFn } from './metric.js';
import { sparseCategoricalAccuracy } from './sparse-categorical-accuracy.js';

export type { MetricFn } from './metric.js';
export { categoricalAccuracy } from './categorical-accuracy.js';
export { sparseCategoricalAccuracy } from './sparse-categorical-accuracy.js';
export { binaryAccuracy } from './binary-accuracy.js';

// binaryAccuracy takes an optional threshold; as a MetricFn it uses the default 0.5.
const binary: MetricFn = (t, p) => binaryAccuracy(t, p);

const METRICS: readonly { fn: MetricFn; names: readonly string[] }[] = [
  { fn: categoricalAccuracy, names: ['categorical_accuracy', 'categoricalAccuracy'] },
  { fn: sparseCategoricalAccuracy, names: ['sparse_categorical_accuracy', 'sparseCategoricalAccuracy'] },
  { fn: binary, names: ['binary_accuracy', 'binaryAccuracy'] },
  { fn: meanSquaredError, names: ['mse', 'mean_squared_error', 'meanSquaredError'] },
  { fn: meanAbsoluteError, names: ['mae', 'mean_absolute_error', 'meanAbsoluteError'] },
];

/** 'accuracy' means the accuracy that fits the loss, as in Keras. */
function accuracyFor(lossName: string): MetricFn {
  const loss = lossName.toLowerCase();
  if (loss.startsWith('sparse')) return sparseCategoricalAccuracy;
  if (loss.startsWith('binary')) return binary;
  return categoricalAccuracy;
}

/**
 * A name gives the built-in metric, displayed (in logs and History) under the name as written,
 * like Keras: `metrics: ['acc']` logs `acc`. A function keeps its own name.
 */
export function getMetric(identifier: string | MetricFn, context: { lossName: string }): { name: string; fn: MetricFn } {
  if (typeof identifier === 'function') {
    if (identifier === binaryAccuracy) return { name: 'binary_accuracy', fn: binary };
    const builtin = METRICS.find((m) => m.fn === identifier);
    return { name: builtin?.names[0] ?? (identifier.name || 'metric'), fn: identifier };
  }
  if (identifier === 'accuracy' || identifier === 'acc') return { name: identifier, fn: accuracyFor(context.lossName) };
  const found = METRICS.find((m) => m.names.includes(identifier));
  if (found === undefined) {
    const valid = ['accuracy', 'acc', ...METRICS.flatMap((m) => m.names)];
    throw new Error(`getMetric: unknown metric ${JSON.stringify(identifier)}; expected a function or one of ${valid.map((v) => `'${v}'`).join(', ')}`);
  }
  return { name: identifier, fn: found.fn };
}
