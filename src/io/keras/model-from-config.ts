/**
 * Keras model configs (Keras 3 `config.json`, or the Keras 2 `model_config` of legacy `.h5`) back
 * to Fovea models: Sequential through the shared topology parser, functional models by replaying
 * each layer's inbound nodes (Keras 3 `{ args: [__keras_tensor__ ...], kwargs }` calls or Keras 2
 * `[[layer, node, tensor, kwargs], ...]` lists) until every node is placed.
 *
 * Building allocates the layers' weights, so it runs under a budget: a weight larger than what the
 * weights file still holds stops the build before its memory is taken. A corrupted config (a
 * Dense of 10^9 units) therefore cannot allocate more than the file it came with.
 */
import { input } from '../../layers/input.js';
import { Layer } from '../../layers/layer.js';
import { layerFromConfig } from '../../layers/registry.js';
import type { SymbolicTensor } from '../../layers/symbolic-tensor.js';
import { Model } from '../../models/functional.js';
import { Sequential } from '../../models/sequential.js';
import { describeValue, isRecord } from '../bytes.js';
import { parseTopology } from '../keras-topology.js';
import { ModelFormatError, rethrowAs } from '../model-format-error.js';
import { shapeSize } from '../weight-specs.js';

export type LoadedModel = Sequential | Model;

type AddWeight = (this: Layer, name: string, shape: readonly number[], ...rest: unknown[]) => unknown;

/** Runs `build` while every new weight draws its size from `budget` values; throws past it. */
export function withWeightBudget<T>(budget: number, file: string, build: () => T): T {
  const proto = Layer.prototype as unknown as { addWeight: AddWeight };
  const original = proto.addWeight;
  let left = budget;
  proto.addWeight = function (this: Layer, name, shape, ...rest) {
    const size = Array.isArray(shape) && shape.every((d) => Number.isSafeInteger(d) && d >= 0) ? shapeSize(shape) : Infinity;
    if (size > left) {
      throw new ModelFormatError(file, `layer '${this.name}' (${this.className}) weight '${name}' ${JSON.stringify(shape)} needs ${size} values, but the weights file holds only ${left} more`);
    }
    left -= size;
    return original.call(this, name, shape, ...rest);
  };
  try {
    return build();
  } finally {
    proto.addWeight = original;
  }
}

function sequentialFrom(config: Record<string, unknown>, file: string): Sequential {
  const topology = parseTopology(config, file);
  const model = rethrowAs(file, 'config', () => new Sequential({ name: topology.name }));
  topology.layers.forEach(({ className, config: c }, i) => {
    const layer = rethrowAs(file, `config layer #${i} (${className})`, () => layerFromConfig(className, c));
    rethrowAs(file, `config layer #${i} (${className} '${layer.name}')`, () => model.add(layer));
  });
  if (!model.built) throw new ModelFormatError(file, 'the Sequential config gives no input shape (no InputLayer, batch_shape or build_input_shape)');
  return model;
}

/** `[layer, node, tensor]` from a Keras 3 tensor record or a Keras 2 list. */
function tensorRef(raw: unknown, file: string): string {
  const history = isRecord(raw) && raw.class_name === '__keras_tensor__' && isRecord(raw.config) ? raw.config.keras_history : raw;
  if (!Array.isArray(history) || history.length < 3 || typeof history[0] !== 'string' || !Number.isSafeInteger(history[1]) || history[2] !== 0) {
    throw new ModelFormatError(file, `a node input must be a __keras_tensor__ or [layer, node, 0], got ${describeValue(raw)}`);
  }
  return `${history[0]}#${history[1]}`;
}

/** One call's inputs: a list of tensor refs and whether the layer was called on a list. */
function parseCall(raw: unknown, where: string, file: string): { refs: string[]; list: boolean } {
  if (isRecord(raw)) {
    if (!Array.isArray(raw.args) || raw.args.length !== 1) throw new ModelFormatError(file, `${where}: a node must have exactly one positional argument, got ${describeValue(raw.args)}`);
    if (isRecord(raw.kwargs) && Object.keys(raw.kwargs).some((k) => k !== 'training')) throw new ModelFormatError(file, `${where}: call arguments ${Object.keys(raw.kwargs).join(', ')} are not supported`);
    const arg = raw.args[0];
    return Array.isArray(arg) ? { refs: arg.map((a) => tensorRef(a, file)), list: true } : { refs: [tensorRef(arg, file)], list: false };
  }
  if (!Array.isArray(raw) || raw.length === 0) throw new ModelFormatError(file, `${where}: a node must be a non-empty list of inputs, got ${describeValue(raw)}`);
  return raw.length === 1 ? { refs: [tensorRef(raw[0], file)], list: false } : { refs: raw.map((a) => tensorRef(a, file)), list: true };
}

interface Pending {
  layer: Layer;
  node: number;
  refs: string[];
  list: boolean;
}

function placeNodes(pending: Pending[], tensors: Map<string, SymbolicTensor>, file: string): void {
  while (pending.length > 0) {
    const ready = pending.filter((p) => p.refs.every((r) => tensors.has(r)));
    if (ready.length === 0) {
      const p = pending[0];
      throw new ModelFormatError(file, `layer '${p.layer.name}' needs ${p.refs.filter((r) => !tensors.has(r)).map((r) => `'${r}'`).join(', ')}, which no layer produces (a cycle or a missing layer)`);
    }
    for (const p of ready) {
      const args = p.refs.map((r) => tensors.get(r) as SymbolicTensor);
      const out = rethrowAs(file, `layer '${p.layer.name}' (${p.layer.className})`, () => (p.list ? p.layer.apply(args) : p.layer.apply(args[0])));
      tensors.set(`${p.layer.name}#${p.node}`, out);
      pending.splice(pending.indexOf(p), 1);
    }
  }
}

function refList(raw: unknown, key: string, file: string): string[] {
  const list = Array.isArray(raw) && raw.length > 0 && typeof raw[0] === 'string' ? [raw] : raw;
  if (!Array.isArray(list) || list.length === 0) throw new ModelFormatError(file, `config.${key} must list [layer, node, tensor] triples, got ${describeValue(raw)}`);
  return list.map((r) => tensorRef(r, file));
}

function inputFrom(config: Record<string, unknown>, name: string, file: string): SymbolicTensor {
  const shape = config.batchInputShape;
  if (!Array.isArray(shape) || shape.length < 2) throw new ModelFormatError(file, `InputLayer '${name}' needs batch_shape, got ${describeValue(shape)}`);
  const batch = shape[0];
  return rethrowAs(file, `InputLayer '${name}'`, () => input({ shape: shape.slice(1) as number[], name, ...(typeof batch === 'number' ? { batchSize: batch } : {}) }));
}

/**
 * A functional model from its config (`{ class_name, config: { layers, input_layers, output_layers } }`).
 * `onLayer` sees each layer after it is made and before any call builds it (the layers-format
 * loader checks every weight against the file there).
 */
export function functionalFrom(config: Record<string, unknown>, file: string, onLayer?: (layer: Layer) => void): Model {
  const inner = config.config;
  if (!isRecord(inner) || !Array.isArray(inner.layers) || inner.layers.length === 0) throw new ModelFormatError(file, `Functional config.layers must be a non-empty array`);
  const rawLayers = inner.layers as unknown[];
  const entries = parseTopology({ class_name: 'Sequential', config: { layers: rawLayers } }, file).layers;
  const tensors = new Map<string, SymbolicTensor>();
  const pending: Pending[] = [];
  entries.forEach(({ className, config: c }, i) => {
    const raw = rawLayers[i] as Record<string, unknown>;
    const name = typeof c.name === 'string' ? c.name : typeof raw.name === 'string' ? raw.name : `layer_${i}`;
    if (className === 'InputLayer') {
      tensors.set(`${name}#0`, inputFrom(c, name, file));
      return;
    }
    const layer = rethrowAs(file, `config layer #${i} (${className})`, () => layerFromConfig(className, { ...c, name }));
    onLayer?.(layer);
    const nodes = raw.inbound_nodes;
    if (!Array.isArray(nodes) || nodes.length === 0) throw new ModelFormatError(file, `layer '${name}' (${className}) has no inbound_nodes`);
    nodes.forEach((n, k) => pending.push({ layer, node: k, ...parseCall(n, `layer '${name}' node ${k}`, file) }));
  });
  placeNodes(pending, tensors, file);
  const pick = (key: string) => refList(inner[key], key, file).map((r) => {
    const t = tensors.get(r);
    if (t === undefined) throw new ModelFormatError(file, `config.${key} names '${r}', which the layers do not produce`);
    return t;
  });
  const name = typeof inner.name === 'string' ? inner.name : undefined;
  return rethrowAs(file, 'Functional config', () => new Model({ inputs: pick('input_layers'), outputs: pick('output_layers'), name }));
}

/** A model from a Keras config, building at most `budget` weight values. */
export function modelFromKerasConfig(config: unknown, budget: number, file: string): LoadedModel {
  if (!isRecord(config)) throw new ModelFormatError(file, `the model config must be a JSON object, got ${describeValue(config)}`);
  const className = config.class_name;
  return withWeightBudget(budget, file, () => {
    if (className === 'Sequential') return sequentialFrom(config, file);
    if (className === 'Functional' || className === 'Model') return functionalFrom(config, file);
    throw new ModelFormatError(file, `model class ${describeValue(className)} is not supported; Fovea loads 'Sequential' and 'Functional' models`);
  });
}
