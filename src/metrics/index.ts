/** Metrics and `getMetric`, which resolves the names `compile({ metrics })` accepts. */
import { meanAbsoluteError } from '../losses/mean-absolute-error.js';
import { meanSquaredError } from '../losses/mean-squared-error.js';
import { binaryAccuracy } from './binary-accuracy.js';
import { categoricalAccuracy } from './categorical-accuracy.js';
import type { MetricFn } from './metric.js';
import { sparseCategoricalAccuracy } from './sparse-categorical-accuracy.js';
import { unknownNameError } from '../names/unknown-name.js';

export type { MetricFn } from './metric.js';
export { categoricalAccuracy } from './categorical-accuracy.js';
export { sparseCategoricalAccuracy } from './sparse-categorical-accuracy.js';
export { binaryAccuracy } from './binary-accuracy.js';

// binaryAccuracy takes an optional threshold; as a MetricFn it uses the default 0.5.
const binary: MetricFn = (t, p) => binaryAccuracy(t, p);

const METRICS = [
  { fn: categoricalAccuracy, names: ['categorical_accuracy', 'categoricalAccuracy'] },
  { fn: sparseCategoricalAccuracy, names: ['sparse_categorical_accuracy', 'sparseCategoricalAccuracy'] },
  { fn: binary, names: ['binary_accuracy', 'binaryAccuracy'] },
  { fn: meanSquaredError, names: ['mse', 'mean_squared_error', 'meanSquaredError'] },
  { fn: meanAbsoluteError, names: ['mae', 'mean_absolute_error', 'meanAbsoluteError'] },
] as const satisfies readonly { fn: MetricFn; names: readonly string[] }[];

/** The metric names `compile({ metrics })` accepts; 'accuracy' (or 'acc') picks the accuracy that fits the loss. */
export type MetricName = 'accuracy' | 'acc' | (typeof METRICS)[number]['names'][number];

const METRIC_NAMES: readonly string[] = ['accuracy', 'acc', ...METRICS.flatMap((m) => m.names)];

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
  const found = METRICS.find((m) => (m.names as readonly string[]).includes(identifier));
  if (found === undefined) throw unknownNameError('metric', identifier, METRIC_NAMES, 'compile (a metric is a name or a function)');
  return { name: identifier, fn: found.fn };
}
