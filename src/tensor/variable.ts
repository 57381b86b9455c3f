/**
 * A Variable is a tensor whose values change in place (weights, optimizer slots): the same object
 * stays the graph leaf and the key of optimizer state while `assign` swaps its storage.
 */
import { shapeToString, shapesEqual } from './shape.js';
import { Tensor } from './tensor.js';

let nextVariableId = 0;

export class Variable extends Tensor {
  readonly name: string;
  trainable: boolean;

  constructor(initial: Tensor, name = `variable_${nextVariableId++}`, trainable = true) {
    if (initial.storage === null) throw new Error(`Variable ${name}: initial value was released`);
    initial.materialize();
    super(initial.storage!, initial.shape, initial.dtype);
    this.name = name;
    this.trainable = trainable;
    this.requiresGrad = trainable;
  }

  /** Takes the values of `value` (same shape and dtype); no copy, the storage is shared. */
  assign(value: Tensor): void {
    if (!shapesEqual(value.shape, this.shape) || value.dtype !== this.dtype) {
      throw new Error(`Variable ${this.name}: assign expected ${shapeToString(this.shape)} ${this.dtype}, got ${shapeToString(value.shape)} ${value.dtype}`);
    }
    if (value.storage === null) throw new Error(`Variable ${this.name}: assigned value was released`);
    value.materialize();
    this.replaceStorage(value.storage!);
  }
}
