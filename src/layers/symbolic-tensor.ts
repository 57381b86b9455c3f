/**
 * Symbolic tensors for the functional API: a shape (batch axis null) and the node that produces
 * it, no data. `layer.apply(symbolic)` records a Node and returns the symbolic output, so a graph
 * of layers is described before any data flows; `new Model({ inputs, outputs })` then runs it.
 *
 * Example: `const x = input({ shape: [28, 28, 1] })` has shape [null, 28, 28, 1].
 */
import type { SymbolicShape } from './layer-types.js';

/** One call of a layer inside a graph: which symbolic tensors went in, which came out. */
export interface Node {
  /** The layer that was called (kept structural to avoid an import cycle with layer.ts). */
  readonly layer: { readonly name: string; readonly className: string };
  readonly inputs: readonly SymbolicTensor[];
  /** True when the layer was called on a list (merge layers), even a list of one. */
  readonly inputIsList: boolean;
  /** Index of this call among the layer's calls: the `[0]` in "conv2d[0][0]". */
  readonly index: number;
  output: SymbolicTensor | null;
}

let nextId = 0;

export class SymbolicTensor {
  readonly id = nextId++;
  readonly dtype = 'float32';
  readonly shape: SymbolicShape;
  readonly node: Node;

  constructor(shape: SymbolicShape, node: Node) {
    this.shape = Object.freeze([...shape]);
    this.node = node;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Keras's name for the tensor: the producing layer's name. */
  get name(): string {
    return this.node.layer.name;
  }

  toString(): string {
    return `<SymbolicTensor shape=(${this.shape.map((d) => d ?? 'None').join(', ')}), name=${this.name}>`;
  }
}

export function isSymbolic(x: unknown): x is SymbolicTensor | SymbolicTensor[] {
  return x instanceof SymbolicTensor || (Array.isArray(x) && x.length > 0 && x.every((t) => t instanceof SymbolicTensor));
}
