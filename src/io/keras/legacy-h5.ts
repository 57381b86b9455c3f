/**
 * Legacy Keras 2 `.h5` models (read only): the root attribute `model_config` holds the model's
 * JSON config, and `model_weights/<layer>` holds each layer's weights as datasets named by the
 * group attribute `weight_names` (`conv2d/kernel:0`, nested as `model_weights/conv2d/conv2d/kernel:0`),
 * listed in the layer's weight order (trainable first, as Keras 2 `layer.weights`).
 */
import type { Layer } from '../../layers/layer.js';
import { tensor } from '../../ops/create.js';
import { shapesEqual, shapeToString } from '../../tensor/shape.js';
import { describeValue } from '../bytes.js';
import { ModelFormatError } from '../model-format-error.js';
import { parseJsonBytes } from '../bytes.js';
import { type H5Group, type H5Node, lookup, readHdf5 } from './hdf5.js';
import { kerasVariableOrder, storedValues } from './keras3-weights.js';
import { type LoadedModel, modelFromKerasConfig } from './model-from-config.js';

function stringAttr(node: H5Group, name: string, file: string): string {
  const value = node.attrs[name];
  if (typeof value !== 'string') throw new ModelFormatError(file, `attribute '${name}' must be a string, got ${describeValue(value)}`);
  return value;
}

function weightNames(layerGroup: H5Group, layer: string, file: string): string[] {
  const names = layerGroup.attrs.weight_names;
  if (names === undefined) return [];
  const list = typeof names === 'string' ? [names] : names;
  if (!Array.isArray(list) || !list.every((n) => typeof n === 'string')) throw new ModelFormatError(file, `model_weights/${layer}: attribute weight_names must list strings, got ${describeValue(names)}`);
  return list as string[];
}

function layerValues(layer: Layer, root: H5Group, file: string): { layer: Layer; values: Float32Array[] } {
  const variables = kerasVariableOrder(layer);
  const where = `model_weights/${layer.name}`;
  const g: H5Node | undefined = lookup(root, where);
  if (g === undefined || g.kind !== 'group') {
    if (variables.length === 0) return { layer, values: [] };
    throw new ModelFormatError(file, `${where} is missing; layer '${layer.name}' (${layer.className}) has ${variables.length} weights`);
  }
  const names = weightNames(g, layer.name, file);
  if (names.length !== variables.length) {
    throw new ModelFormatError(file, `${where} lists ${names.length} weights (${names.join(', ') || 'none'}), layer '${layer.name}' (${layer.className}) has ${variables.length}`);
  }
  const values = variables.map((v, i) => {
    const d = lookup(g, names[i]);
    if (d === undefined || d.kind !== 'dataset') throw new ModelFormatError(file, `${where}/${names[i]} is missing (weight '${v.name}')`);
    if (d.values === null) throw new ModelFormatError(file, `${where}/${names[i]} is stored as ${d.dtype}, expected float32`);
    if (!shapesEqual(d.shape, v.shape)) throw new ModelFormatError(file, `${where}/${names[i]}: weight '${v.name}' expects shape ${shapeToString(v.shape)}, the file has ${shapeToString(d.shape)}`);
    return d.values;
  });
  return { layer, values };
}

/** A model from the bytes of a Keras 2 `.h5` file (architecture + weights). */
export async function loadLegacyH5(bytes: Uint8Array, file = 'model.h5'): Promise<LoadedModel> {
  const root = await readHdf5(bytes, file);
  if (root.attrs.model_config === undefined) {
    throw new ModelFormatError(file, `has no 'model_config' attribute: it is a weights-only file${lookup(root, 'layers') ? ' in the Keras 3 layout (load it with its .keras archive)' : ''}, not a Keras 2 model`);
  }
  const config = parseJsonBytes(new TextEncoder().encode(stringAttr(root, 'model_config', file)), `${file} (model_config)`);
  const weights = lookup(root, 'model_weights');
  if (weights === undefined || weights.kind !== 'group') throw new ModelFormatError(file, `has no 'model_weights' group`);
  const model = modelFromKerasConfig(config, storedValues(weights), `${file} (model_config)`);
  const all = model.layers.map((l) => layerValues(l, root, file));
  for (const { layer, values } of all) kerasVariableOrder(layer).forEach((v, i) => v.assign(tensor(values[i], v.shape, 'float32')));
  return model;
}
