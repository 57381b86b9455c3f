/**
 * Recording one op in the graph: if any input needs a gradient, the output remembers its inputs
 * and how to push a gradient back through the op.
 */
import type { GradNode, Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from './grad-mode.js';

export type BackwardFn = GradNode['backward'];

/**
 * Attaches the gradient rule to `y` when the graph is being recorded; returns `y`. `owned` are the
 * op's private tensors that only the rule reads (GradNode.owned): with no graph recorded nothing
 * will read them, so they are released at once.
 */
export function record(op: string, y: Tensor, inputs: readonly Tensor[], backward: BackwardFn, owned?: readonly Tensor[]): Tensor {
  if (isGradEnabled() && inputs.some((t) => t.needsGrad)) {
    y.gradNode = owned === undefined ? { op, inputs, backward } : { op, inputs, backward, owned };
  } else {
    for (const t of owned ?? []) t.release();
  }
  return y;
}
