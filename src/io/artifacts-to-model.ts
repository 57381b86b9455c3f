/**
 * Artifacts (topology + weight bytes [+ optimizer]) to a model. Loading checks the whole file first
 * (topology structure, every weight spec against the bytes), then builds the layers, checking each
 * weight against the file as it is created: a weight the file lacks, or has with another shape,
 * stops the load before its memory is allocated (so a corrupted topology cannot make it allocate
 * more than the file holds). The saved values are assigned only once every weight of the model and
 * of the file was matched.
 */
import type { Layer } from '../layers/layer.js';
import { layerFromConfig } from '../layers/registry.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/create.js';
import { shapesEqual, shapeToString } from '../tensor/shape.js';
import type { Variable } from '../tensor/variable.js';
import { describeValue, isRecord, toBytes } from './bytes.js';
import { FUNCTIONAL_CLASS_NAMES } from './functional-topology.js';
import { functionalFrom, type LoadedModel } from './keras/model-from-config.js';
import { parseTopology, unwrapTopology } from './keras-topology.js';
import { ModelFormatError, rethrowAs } from './model-format-error.js';
import { compileFromTrainingConfig } from './training-config.js';
import type { ModelArtifacts } from './types.js';
import { decodeWeights, type NamedWeight } from './weights-codec.js';

/** Finds saved weights by name, also under TensorFlow.js's shortened form of nested names. */
function weightLookup(saved: readonly NamedWeight[]): (name: string) => NamedWeight | undefined {
  const byName = new Map(saved.map((w) => [w.name, w]));
  for (const w of saved) {
    const parts = w.name.split('/');
    const short = [...parts.slice(0, -2), parts[parts.length - 1]].join('/');
    if (parts.length > 2 && !byName.has(short)) byName.set(short, w);
  }
  return (name) => byName.get(name);
}

type AddWeight = (name: string, shape: readonly number[], initializer: unknown, options?: unknown) => Variable;

/** A model weight and the saved values it takes once everything was checked. */
interface Pairing {
  variable: Variable;
  saved: NamedWeight;
}

/**
 * Makes `layer` check each weight against the file as it is created: a weight the file lacks or
 * has with another shape stops the build before the weight's memory is allocated.
 */
function checkWeightsOnBuild(layer: Layer, lookup: (name: string) => NamedWeight | undefined, pairs: Pairing[], file: string): () => void {
  const target = layer as unknown as { addWeight: AddWeight };
  const original = target.addWeight;
  target.addWeight = function (this: Layer, name, shape, initializer, options) {
    const full = `${layer.name}/${name}`;
    const saved = lookup(full);
    const where = `layer '${layer.name}' (${layer.className}) weight '${full}'`;
    if (saved === undefined) throw new ModelFormatError(file, `${where} of shape ${shapeToString(shape)} is missing from the weights manifest`);
    if (!shapesEqual(saved.shape, shape) || saved.dtype !== 'float32') {
      throw new ModelFormatError(file, `${where}: expected shape ${shapeToString(shape)} float32, the file has ${shapeToString(saved.shape)} ${saved.dtype}`);
    }
    const variable = original.call(this, name, shape, initializer, options);
    pairs.push({ variable, saved });
    return variable;
  };
  return () => delete (target as { addWeight?: AddWeight }).addWeight;
}

/** The saved weights no model weight took: a wrong file, or one for another model. */
function checkAllPaired(model: LoadedModel, saved: readonly NamedWeight[], pairs: Pairing[], file: string): void {
  const used = new Set(pairs.map((p) => p.saved));
  const extra = saved.filter((w) => !used.has(w));
  if (extra.length > 0) {
    const why = model.built ? 'the model has no such weights' : 'the topology gives no input shape, so the layers were not built';
    throw new ModelFormatError(file, `weights ${extra.map((w) => `'${w.name}'`).join(', ')} are in the file but ${why}`);
  }
  if (used.size !== pairs.length) throw new ModelFormatError(file, 'two model weights resolve to the same saved weight');
}

function buildSequential(topology: unknown, check: (layer: Layer) => () => void, file: string): Sequential {
  const parsed = parseTopology(topology, file);
  const model = rethrowAs(file, 'modelTopology', () => new Sequential({ name: parsed.name }));
  parsed.layers.forEach(({ className, config }, i) => {
    const layer = rethrowAs(file, `modelTopology layer #${i} (${className})`, () => layerFromConfig(className, config));
    const restore = check(layer);
    try {
      rethrowAs(file, `modelTopology layer #${i} (${className} '${layer.name}')`, () => model.add(layer));
    } finally {
      restore();
    }
  });
  return model;
}

/** A functional model: its layers are built as the inbound nodes are replayed, each weight checked first. */
function buildFunctional(topology: Record<string, unknown>, check: (layer: Layer) => () => void, file: string): LoadedModel {
  const restores: (() => void)[] = [];
  try {
    return functionalFrom(topology, file, (layer) => restores.push(check(layer)));
  } finally {
    restores.forEach((restore) => restore());
  }
}

/** Builds the model from the topology, pairing every weight with the file's; throws unless all pair up. */
function buildModel(artifacts: ModelArtifacts, saved: readonly NamedWeight[], file: string): { model: LoadedModel; pairs: Pairing[] } {
  const lookup = weightLookup(saved);
  const pairs: Pairing[] = [];
  const check = (layer: Layer) => checkWeightsOnBuild(layer, lookup, pairs, file);
  const topology = unwrapTopology(artifacts.modelTopology, file);
  const functional = typeof topology.class_name === 'string' && FUNCTIONAL_CLASS_NAMES.includes(topology.class_name);
  const model = functional ? buildFunctional(topology, check, file) : buildSequential(topology, check, file);
  checkAllPaired(model, saved, pairs, file);
  return { model, pairs };
}

export interface LoadOptions {
  /** Compile with the saved optimizer, loss and metrics when the file has them (default true). */
  compile?: boolean;
}

/** A Sequential or functional model from artifacts, after checking every part of them. */
export function artifactsToModel(artifacts: ModelArtifacts, options: LoadOptions = {}, file = 'model.json'): LoadedModel {
  if (!isRecord(artifacts)) throw new ModelFormatError(file, `model artifacts must be an object, got ${describeValue(artifacts)}`);
  const data = toBytes(artifacts.weightData, file);
  const weights = decodeWeights(artifacts.weightSpecs, data, file);
  const modelWeights = weights.filter((w) => w.group !== 'optimizer');
  const optimizerState = weights.filter((w) => w.group === 'optimizer');
  const { model, pairs } = buildModel(artifacts, modelWeights, file);
  const training = artifacts.trainingConfig ?? (isRecord(artifacts.modelTopology) ? artifacts.modelTopology.training_config : undefined);
  if (optimizerState.length > 0 && (training === undefined || training === null)) {
    throw new ModelFormatError(file, `the file has ${optimizerState.length} optimizer weights but no trainingConfig naming the optimizer`);
  }
  if (options.compile !== false && training !== undefined && training !== null) compileFromTrainingConfig(model, training, optimizerState, file);
  // Everything matched: only now do the weights take the saved values.
  for (const { variable, saved } of pairs) variable.assign(tensor(saved.values, saved.shape, 'float32'));
  if (artifacts.userDefinedMetadata !== undefined) {
    if (!isRecord(artifacts.userDefinedMetadata)) throw new ModelFormatError(file, `userDefinedMetadata must be an object, got ${describeValue(artifacts.userDefinedMetadata)}`);
    model.setUserDefinedMetadata(artifacts.userDefinedMetadata);
  }
  return model;
}
