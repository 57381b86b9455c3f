/**
 * Recording one op in the graph: if any input needs a gradient, the output remembers its inputs
 * and how to push a gradient back through the op.
 */
import type { GradNode, Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from './grad-mode.js';

export type BackwardFn = GradNode['backward'];

/** Attaches the gradient rule to `y` when the graph is being recorded; returns `y`. */
export function record(op: string, y: Tensor, inputs: readonly Tensor[], backward: BackwardFn): Tensor {
  if (isGradEnabled() && inputs.some((t) => t.needsGrad)) {
    y.gradNode = { op, inputs, backward };
  }
  return y;
}
