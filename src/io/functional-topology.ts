/**
 * The functional topology of the TensorFlow.js layers format (Keras 2's JSON, which TensorFlow.js
 * reads with `tf.loadLayersModel`):
 *
 *   { class_name: 'Model', config: { name, layers: [{ name, class_name, config, inbound_nodes }],
 *     input_layers: [[layer, node, 0], ...], output_layers: [[layer, node, 0], ...] } }
 *
 * Each entry of `inbound_nodes` is one call of the layer: the list of tensors it was called on,
 * each `[layer, node, 0, {}]`. Node indices count only the calls inside this model, as Keras
 * renumbers them, so a layer also called in another model still reads back.
 */
import type { Layer } from '../layers/layer.js';
import type { Node } from '../layers/symbolic-tensor.js';
import { type FunctionalLike, historyOf, modelNodes } from './keras/keras3-config.js';
import { KERAS_VERSION, layerToKeras } from './keras-topology.js';

/**
 * What this file calls a functional model. TensorFlow.js writes 'Model' (its LayersModel's class
 * name) and Keras >= 2.4 'Functional'; both read both, so Fovea writes 'Model', which every
 * TensorFlow.js version and Keras 2 understand.
 */
export const FUNCTIONAL_CLASS_NAMES: readonly string[] = ['Model', 'Functional'];

function inputLayerEntry(layer: Layer): Record<string, unknown> {
  const config = { batch_input_shape: layer.batchInputShape, dtype: 'float32', sparse: false, name: layer.name };
  return { name: layer.name, class_name: 'InputLayer', config, inbound_nodes: [] };
}

/** One call as Keras 2 lists it; a call on a list of one tensor cannot be told from a plain call. */
function nodeEntry(layer: Layer, node: Node, inModel: ReadonlySet<Node>): unknown[] {
  if (node.inputIsList && node.inputs.length === 1) {
    throw new Error(`saveModel: layer '${layer.name}' (${layer.className}) was called on a list of one tensor, which the TensorFlow.js layers format cannot tell from a single tensor; call it on the tensor itself, or save as .keras (saveModelFile)`);
  }
  return node.inputs.map((t) => [...historyOf(t, inModel), {}]);
}

function layerEntry(layer: Layer, inModel: ReadonlySet<Node>): Record<string, unknown> {
  if (layer.className === 'InputLayer') return inputLayerEntry(layer);
  const { class_name, config } = layerToKeras({ className: layer.className, config: layer.getConfig() });
  const calls = layer.inboundNodes.filter((n) => inModel.has(n));
  return { name: layer.name, class_name, config, inbound_nodes: calls.map((n) => nodeEntry(layer, n, inModel)) };
}

/** The TensorFlow.js / Keras 2 topology of a functional model. */
export function functionalTopology(model: FunctionalLike): Record<string, unknown> {
  const inModel = modelNodes(model);
  return {
    class_name: 'Model',
    config: {
      name: model.name,
      layers: model.layers.map((l) => layerEntry(l, inModel)),
      input_layers: model.inputs.map((t) => historyOf(t, inModel)),
      output_layers: model.outputs.map((t) => historyOf(t, inModel)),
    },
    keras_version: KERAS_VERSION,
    backend: 'fovea',
  };
}
