/**
 * A model to artifacts: topology, weight bytes and (optionally) optimizer state, in the TensorFlow.js
 * layers format. Loading is artifacts-to-model.ts: saving must not load the layer registry (every
 * layer class), so a page that trains and saves does not download what only loading needs.
 */
import type { Layer } from '../layers/layer.js';
import type { SymbolicTensor } from '../layers/symbolic-tensor.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import type { Variable } from '../tensor/variable.js';
import { functionalTopology } from './functional-topology.js';
import { isFunctional } from './keras/keras3-config.js';
import { type SequentialConfig, sequentialTopology } from './keras-topology.js';
import { optimizerWeights } from './optimizer-state.js';
import { type CompiledModel, trainingConfig } from './training-config.js';
import type { ModelArtifacts } from './types.js';
import { encodeWeights, type NamedWeight } from './weights-codec.js';

export const GENERATED_BY = 'Fovea 0.1.0';

/** What saving needs from a model: Sequential and the functional Model have it. */
export interface SaveableModel extends CompiledModel {
  readonly className: string;
  readonly weights: Variable[];
  readonly optimizer: Optimizer | null;
  readonly metricsNames: string[];
  /** Sequential's layer configs (read for Sequential models). */
  getConfig(): unknown;
  /** A functional model's graph (read for functional models). */
  readonly layers?: Layer[];
  readonly inputs?: SymbolicTensor[];
  readonly outputs?: SymbolicTensor[];
  /** TensorFlow.js's user-defined metadata, saved in model.json. */
  getUserDefinedMetadata?(): Record<string, unknown> | undefined;
}

export interface ArtifactOptions {
  /** Also save the optimizer (its config and state) so `fit` can resume exactly. Needs a compiled model. */
  includeOptimizer?: boolean;
}

/** The Keras topology of `model`; refuses a model the format cannot describe rather than write a wrong one. */
function topologyOf(model: SaveableModel): Record<string, unknown> {
  if (isFunctional(model)) return functionalTopology(model);
  if (model.className === 'Sequential') return sequentialTopology(model.getConfig() as SequentialConfig);
  throw new Error(`saveModel: model "${model.name}" (${model.className}) is neither Sequential nor functional; the TensorFlow.js layers format holds only those`);
}

function weightValues(weights: readonly Variable[]): NamedWeight[] {
  return weights.map((w) => ({ name: w.name, shape: [...w.shape], dtype: w.dtype, values: w.dataSync() }));
}

export function modelToArtifacts(model: SaveableModel, options: ArtifactOptions = {}): ModelArtifacts {
  const weights = model.weights;
  const names = new Set<string>();
  for (const w of weights) {
    if (names.has(w.name)) throw new Error(`saveModel: model "${model.name}" has two weights named '${w.name}'; weight names must be unique`);
    names.add(w.name);
  }
  const optimizer = options.includeOptimizer ? model.optimizer : null;
  if (options.includeOptimizer && optimizer === null) throw new Error(`saveModel: includeOptimizer needs a compiled model; call compile() on "${model.name}" first`);
  const all = [...weightValues(weights), ...(optimizer ? optimizerWeights(optimizer, weights) : [])];
  const { specs, data } = encodeWeights(all);
  const metadata = model.getUserDefinedMetadata?.();
  return {
    modelTopology: topologyOf(model),
    weightSpecs: specs,
    weightData: data,
    format: 'layers-model',
    generatedBy: GENERATED_BY,
    convertedBy: null,
    ...(optimizer ? { trainingConfig: trainingConfig(model, optimizer) } : {}),
    ...(metadata === undefined ? {} : { userDefinedMetadata: metadata }),
  };
}
