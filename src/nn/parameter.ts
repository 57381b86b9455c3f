/**
 * Parameter: a Variable a Module owns and an optimizer updates (PyTorch's `nn.Parameter`).
 * Modules find their parameters by scanning their own properties for this class, so assigning
 * `this.weight = new Parameter(...)` is all it takes to register one.
 *
 * A module may store a parameter permuted (`holdLayout`): Conv2d keeps its OIHW weight HWIO, and
 * Linear its columns in its input's order. Shape, values, `stateDict` and files stay PyTorch's.
 */
import type { Tensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/variable.js';

let nextParameterId = 0;

export class Parameter extends Variable {
  constructor(initial: Tensor, requiresGrad = true) {
    super(initial, `parameter_${nextParameterId++}`, requiresGrad);
  }
}
