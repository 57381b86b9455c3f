/**
 * Keras's `training_config` (TensorFlow.js's `trainingConfig`): the compiled loss, metrics and
 * optimizer, saved with the optimizer's state so training resumes exactly. A model with several
 * outputs stores one loss per output (a list, or one name when they are all the same) and its
 * metrics keyed by output name, as Keras 2 and TensorFlow.js do.
 */
import type { LossName } from '../losses/index.js';
import type { MetricName } from '../metrics/index.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import type { Variable } from '../tensor/variable.js';
import { describeValue, isRecord } from './bytes.js';
import { ModelFormatError, rethrowAs } from './model-format-error.js';
import { optimizerConfig, optimizerFromConfig, prepareOptimizerState } from './optimizer-state.js';
import type { NamedWeight } from './weights-codec.js';

/** What is read of a compiled model. */
export interface CompiledModel {
  readonly name: string;
  readonly outputNames: string[];
  readonly lossNames: string[];
  /** Per output, the metric names as compiled (no output prefix). */
  readonly metricsPerOutput: string[][];
  readonly lossWeights: number[];
}

/** What compiling a loaded model needs. */
export interface CompilableModel {
  readonly weights: Variable[];
  readonly outputNames: string[];
  compile(options: { optimizer: Optimizer; loss: LossName | LossName[]; metrics: MetricName[] | Record<string, MetricName[]>; lossWeights?: number[] }): void;
}

export function trainingConfig(model: CompiledModel, optimizer: Optimizer): Record<string, unknown> {
  const losses = model.lossNames;
  if (losses.length === 0) throw new Error(`saveModel: model "${model.name}" has no compiled loss to save`);
  const single = model.outputNames.length === 1;
  const loss = losses.every((l) => l === losses[0]) ? losses[0] : losses;
  const metrics = single ? model.metricsPerOutput[0] ?? [] : Object.fromEntries(model.outputNames.map((o, k) => [o, model.metricsPerOutput[k] ?? []]));
  // Written only when not the default: TensorFlow.js refuses files with loss_weights.
  const weights = model.lossWeights.some((w) => w !== 1) ? { loss_weights: model.lossWeights } : {};
  return { loss, metrics, ...weights, optimizer_config: optimizerConfig(optimizer) };
}

function lossArg(raw: unknown, outputs: readonly string[], file: string): string | string[] {
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw) && raw.every((l) => typeof l === 'string')) return raw as string[];
  if (isRecord(raw) && Object.values(raw).every((l) => typeof l === 'string')) {
    return outputs.map((o) => {
      if (raw[o] === undefined) throw new ModelFormatError(file, `trainingConfig.loss has no entry for output '${o}'`);
      return raw[o] as string;
    });
  }
  throw new ModelFormatError(file, `trainingConfig.loss must be a name, a list of names or an object of names by output, got ${describeValue(raw)}`);
}

const names = (v: unknown): v is string[] => Array.isArray(v) && v.every((m) => typeof m === 'string');

function metricsArg(raw: unknown, file: string): string[] | Record<string, string[]> {
  if (raw === undefined || raw === null) return [];
  if (names(raw)) return raw;
  // Keras 2 allows one name or a list per output.
  if (isRecord(raw) && Object.values(raw).every((m) => typeof m === 'string' || names(m))) {
    return Object.fromEntries(Object.entries(raw).map(([k, m]) => [k, typeof m === 'string' ? [m] : (m as string[])]));
  }
  throw new ModelFormatError(file, `trainingConfig.metrics must be a list of names or an object of lists by output, got ${describeValue(raw)}`);
}

function lossWeightsArg(raw: unknown, file: string): number[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (Array.isArray(raw) && raw.every((w) => typeof w === 'number' && Number.isFinite(w))) return raw as number[];
  throw new ModelFormatError(file, `trainingConfig.loss_weights must be a list of numbers, got ${describeValue(raw)}`);
}

/** Compiles `model` as the training config says, then installs the saved optimizer state. */
export function compileFromTrainingConfig(model: CompilableModel, config: unknown, optimizerState: readonly NamedWeight[], file: string): void {
  if (!isRecord(config)) throw new ModelFormatError(file, `trainingConfig must be an object, got ${describeValue(config)}`);
  const loss = lossArg(config.loss, model.outputNames, file);
  const metrics = metricsArg(config.metrics, file);
  const lossWeights = lossWeightsArg(config.loss_weights, file);
  const optimizer = optimizerFromConfig(config.optimizer_config, file);
  const install = optimizerState.length > 0 ? prepareOptimizerState(optimizer, optimizerState, model.weights, file) : () => {};
  // Names read from the file are typed as names here and checked by compile (getLoss, getMetric),
  // which refuses an unknown one with the closest valid name; rethrowAs adds the file.
  const names = { loss: loss as LossName | LossName[], metrics: metrics as MetricName[] | Record<string, MetricName[]> };
  rethrowAs(file, 'trainingConfig', () => model.compile({ optimizer, ...names, ...(lossWeights ? { lossWeights } : {}) }));
  install();
}
