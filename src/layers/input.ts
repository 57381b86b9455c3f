/**
 * `input()`: the start of a functional model, Keras's `keras.Input`. It creates an InputLayer and
 * returns its symbolic output, shape [batchSize ?? null, ...shape].
 *
 * Example:
 *   const x = input({ shape: [28, 28, 1] });
 *   const y = new Dense(10).apply(new Flatten().apply(x));
 *   const model = new Model({ inputs: x, outputs: y });
 */
import { InputLayer } from './input-layer.js';
import type { Node } from './symbolic-tensor.js';
import { SymbolicTensor } from './symbolic-tensor.js';

export interface InputOptions {
  /** Shape of one sample, without the batch axis. */
  shape: readonly number[];
  batchSize?: number;
  name?: string;
}

export function input(options: InputOptions): SymbolicTensor {
  if (!Array.isArray(options.shape) || !options.shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`input: shape must list the positive sizes of one sample (no batch axis), got ${JSON.stringify(options.shape)}`);
  }
  const layer = new InputLayer({ shape: options.shape, batchSize: options.batchSize, name: options.name });
  const node: Node = { layer, inputs: [], inputIsList: false, index: 0, output: null };
  node.output = new SymbolicTensor(layer.shape, node);
  layer.inboundNodes.push(node);
  return node.output;
}
