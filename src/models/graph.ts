/**
 * The graph of a functional model: the nodes (layer calls) needed to compute the outputs from the
 * inputs, in an order where every node comes after the nodes feeding it.
 */
import { InputLayer } from '../layers/input-layer.js';
import type { Layer } from '../layers/layer.js';
import type { Node, SymbolicTensor } from '../layers/symbolic-tensor.js';

export const layerOf = (node: Node): Layer => node.layer as Layer;

/** Nodes from the inputs to `outputs` in dependency order; throws when an output needs a tensor that is not an input. */
export function sortNodes(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[], where: string): Node[] {
  const inputNodes = new Set(inputs.map((t) => t.node));
  const order: Node[] = [];
  const state = new Map<Node, 'visiting' | 'done'>();
  const visit = (node: Node, from: string): void => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'visiting') throw new Error(`${where}: the graph has a cycle through layer "${node.layer.name}"`);
    if (node.inputs.length === 0 && !inputNodes.has(node)) {
      const given = inputs.map((t) => `"${t.name}"`).join(', ');
      throw new Error(`${where}: graph disconnected: ${from} needs input "${node.layer.name}", which is not among the model's inputs (${given})`);
    }
    state.set(node, 'visiting');
    if (!inputNodes.has(node)) for (const t of node.inputs) visit(t.node, `layer "${node.layer.name}"`);
    state.set(node, 'done');
    order.push(node);
  };
  outputs.forEach((t) => visit(t.node, `output "${t.name}"`));
  inputs.forEach((t) => visit(t.node, 'the inputs'));
  return order;
}

/** Checks that every model input comes straight from `input()`. */
export function checkInputs(inputs: readonly SymbolicTensor[], where: string): void {
  inputs.forEach((t) => {
    if (!(t.node.layer instanceof InputLayer)) {
      throw new Error(`${where}: inputs must be tensors made by input(), got the output of layer "${t.name}" (${t.node.layer.className})`);
    }
  });
  const names = inputs.map((t) => t.name);
  if (new Set(names).size !== names.length) throw new Error(`${where}: the same input appears twice in inputs (${names.join(', ')})`);
}

/** Every layer once, in the order of its first node. */
export function layersOf(nodes: readonly Node[]): Layer[] {
  const seen = new Set<Layer>();
  for (const n of nodes) seen.add(layerOf(n));
  return [...seen];
}
