/**
 * `model.weights.h5` as Keras 3 lays it out. Keras addresses each layer of `model.layers` not by
 * its name but by its class name in snake_case, numbered per class in layer order
 * (`layers/conv2d`, `layers/conv2d_1`, `layers/max_pooling2d`, ...), each with a `vars` group whose
 * datasets `0`, `1`, ... hold the layer's trainable variables then its non-trainable ones, each in
 * creation order. Layers without weights still get their (empty) `vars` group, and the model
 * itself has a top-level `vars` group (Keras opens it on load, so it must exist).
 */
import { snakeCase } from '../../layers/layer.js';
import type { Layer } from '../../layers/layer.js';
import { tensor } from '../../ops/create.js';
import { shapesEqual, shapeToString } from '../../tensor/shape.js';
import type { Variable } from '../../tensor/variable.js';
import { ModelFormatError } from '../model-format-error.js';
import { dataset, group, type H5Dataset, type H5Group, lookup } from './hdf5.js';

/** Keras's path for each layer: `layers/<snake_class>[_<n>]`. */
export function layerPaths(layers: readonly Layer[]): string[] {
  const used = new Map<string, number>();
  return layers.map((layer) => {
    const base = snakeCase(layer.className);
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    return `layers/${n === undefined ? base : `${base}_${n + 1}`}`;
  });
}

/** Keras's variable order: trainable first, then non-trainable, each in creation order. */
export function kerasVariableOrder(layer: Layer): Variable[] {
  return [...layer.weights.filter((w) => w.trainable), ...layer.weights.filter((w) => !w.trainable)];
}

/** The HDF5 tree of a model's weights. */
export function weightsTree(layers: readonly Layer[]): H5Group {
  const paths = layerPaths(layers);
  const entries = layers.map((layer, i) => {
    const vars = kerasVariableOrder(layer).map((v, k): [string, H5Dataset] => [String(k), dataset(v.shape, Float32Array.from(v.dataSync()))]);
    return [paths[i].slice('layers/'.length), group({ vars: group(vars) })] as [string, H5Group];
  });
  return group({ layers: group(entries), vars: group() });
}

interface Pair {
  variable: Variable;
  values: Float32Array;
}

function pairLayer(layer: Layer, path: string, root: H5Group, file: string): Pair[] {
  const variables = kerasVariableOrder(layer);
  const vars = lookup(root, `${path}/vars`);
  const who = `layer '${layer.name}' (${layer.className})`;
  const where = `${who} at '${path}/vars'`;
  if (vars === undefined) {
    if (variables.length === 0) return [];
    throw new ModelFormatError(file, `${where}: the weights file has no such group, the layer has ${variables.length} weights`);
  }
  if (vars.kind !== 'group') throw new ModelFormatError(file, `${where}: expected a group, found a dataset`);
  if (vars.children.size !== variables.length) {
    throw new ModelFormatError(file, `${where}: the file has ${vars.children.size} datasets (${[...vars.children.keys()].join(', ') || 'none'}), the layer has ${variables.length} weights (${variables.map((v) => v.name).join(', ') || 'none'})`);
  }
  return variables.map((variable, k) => {
    const node = vars.children.get(String(k));
    const at = `${who} at '${path}/vars/${k}'`;
    if (node === undefined || node.kind !== 'dataset') throw new ModelFormatError(file, `${at}: the dataset for weight '${variable.name}' is missing`);
    if (node.values === null) throw new ModelFormatError(file, `${at}: weight '${variable.name}' is stored as ${node.dtype}, expected float32 ('<f')`);
    if (!shapesEqual(node.shape, variable.shape)) {
      throw new ModelFormatError(file, `${at}: weight '${variable.name}' expects shape ${shapeToString(variable.shape)}, the file has ${shapeToString(node.shape)}`);
    }
    return { variable, values: node.values };
  });
}

/** Checks every layer's weights against the tree, then (only if all match) assigns them. */
export function assignWeights(layers: readonly Layer[], root: H5Group, file: string): void {
  const paths = layerPaths(layers);
  const pairs = layers.flatMap((layer, i) => pairLayer(layer, paths[i], root, file));
  const known = new Set(paths.map((p) => p.slice('layers/'.length)));
  const saved = lookup(root, 'layers');
  if (saved?.kind === 'group') {
    const extra = [...saved.children].filter(([name, g]) => !known.has(name) && g.kind === 'group' && (lookup(g, 'vars') as H5Group | undefined)?.children.size);
    if (extra.length > 0) throw new ModelFormatError(file, `weights for ${extra.map(([n]) => `'layers/${n}'`).join(', ')} match no layer of the model (layers: ${[...known].join(', ')})`);
  }
  for (const { variable, values } of pairs) variable.assign(tensor(values, variable.shape, 'float32'));
}

/** Total float32 values in a tree: what a model built from the same archive may allocate. */
export function storedValues(node: H5Group): number {
  let n = 0;
  for (const child of node.children.values()) n += child.kind === 'group' ? storedValues(child) : child.values?.length ?? 0;
  return n;
}
