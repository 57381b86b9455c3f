/**
 * `compile`: resolving the optimizer, one loss per output, loss weights and metrics into the state
 * the steps use, with Keras's log names: 'loss', then `<output>_loss` per output when a model has
 * several, then metrics (prefixed `<output>_` when there are several outputs).
 */
import { getLoss, type LossName } from '../losses/index.js';
import { Loss, type LossFn } from '../losses/loss.js';
import { getMetric, type MetricName } from '../metrics/index.js';
import type { MetricFn } from '../metrics/metric.js';
import { getOptimizer, type OptimizerName } from '../optimizers/index.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import type { CompiledState } from './steps.js';

type LossArg = LossName | LossFn | Loss;
type MetricArg = MetricName | MetricFn;

export interface CompileOptions {
  optimizer: OptimizerName | Optimizer;
  /**
   * One loss for every output, a list (one per output) or an object keyed by output name. A loss
   * is a name ('categorical_crossentropy'), a function, or a Loss object (`new losses.BinaryCrossentropy({ fromLogits: true })`).
   */
  loss: LossArg | LossArg[] | Record<string, LossArg>;
  /** Metrics for every output, a list of lists (per output) or an object keyed by output name. */
  metrics?: MetricArg[] | MetricArg[][] | Record<string, MetricArg[]>;
  /** Scales each output's loss in the total (default 1 each). */
  lossWeights?: number[] | Record<string, number>;
}

/** `arg` spread over outputs: a single value for all, a list in order, or an object by name. */
function perOutput<T>(arg: T | T[] | Record<string, T>, outputs: readonly string[], what: string, isSingle: (v: unknown) => boolean, fallback?: T): T[] {
  if (isSingle(arg)) return outputs.map(() => arg as T);
  if (Array.isArray(arg)) {
    if (arg.length !== outputs.length) throw new Error(`compile: ${what} has ${arg.length} entries for ${outputs.length} outputs (${outputs.join(', ')})`);
    return arg;
  }
  const map = arg as Record<string, T>;
  const unknown = Object.keys(map).filter((k) => !outputs.includes(k));
  if (unknown.length > 0) throw new Error(`compile: ${what} names unknown output(s) ${unknown.join(', ')}; the outputs are ${outputs.join(', ')}`);
  return outputs.map((o) => {
    if (map[o] === undefined && fallback === undefined) throw new Error(`compile: ${what} has no entry for output '${o}'`);
    return map[o] ?? (fallback as T);
  });
}

function metricLists(metrics: CompileOptions['metrics'], outputs: readonly string[]): MetricArg[][] {
  if (metrics === undefined) return outputs.map(() => []);
  if (Array.isArray(metrics)) {
    // [] is one empty list for every output, not zero per-output lists.
    if (metrics.length > 0 && metrics.every((m) => Array.isArray(m))) return perOutput(metrics as MetricArg[][], outputs, 'metrics', () => false);
    return outputs.map(() => metrics as MetricArg[]);
  }
  return perOutput(metrics, outputs, 'metrics', () => false, []);
}

export function compileState(options: CompileOptions, outputs: readonly string[]): CompiledState {
  const single = (v: unknown): boolean => typeof v === 'string' || typeof v === 'function' || v instanceof Loss;
  const losses = perOutput(options.loss, outputs, 'loss', single).map((l) => getLoss(l));
  const lossWeights = options.lossWeights === undefined ? outputs.map(() => 1) : perOutput(options.lossWeights, outputs, 'lossWeights', (v) => typeof v === 'number', 1);
  const several = outputs.length > 1;
  const metrics = metricLists(options.metrics, outputs).flatMap((list, k) =>
    list.map((m) => {
      const resolved = getMetric(m, { lossName: losses[k].name });
      return { ...resolved, baseName: resolved.name, name: several ? `${outputs[k]}_${resolved.name}` : resolved.name, output: k };
    }),
  );
  const names = ['loss', ...(several ? outputs.map((o) => `${o}_loss`) : []), ...metrics.map((m) => m.name)];
  return { optimizer: getOptimizer(options.optimizer), losses, loss: losses[0], lossWeights, metrics, names };
}
