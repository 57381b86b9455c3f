/**
 * Recording one op in the graph: if any input needs a gradient, the output remembers its inputs
 * and how to push a gradient back through the op.
 */
import type { GradNode, Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from './grad-mode.js';

export type BackwardFn = GradNode['backward'];
export type BackwardInto = NonNullable<GradNode['backwardInto']>;

/**
 * Attaches the gradient rule to `y` when the graph is being recorded; returns `y`. `owned` are the
 * op's private tensors that only the rule reads (GradNode.owned): with no graph recorded nothing
 * will read them, so they are released at once. `into`: the rule's variant that adds one input's
 * gradient to the one it already gathered (GradNode.backwardInto).
 */
export function record(op: string, y: Tensor, inputs: readonly Tensor[], backward: BackwardFn, owned?: readonly Tensor[], into?: BackwardInto): Tensor {
  if (isGradEnabled() && inputs.some((t) => t.needsGrad)) {
    const node: GradNode = owned === undefined ? { op, inputs, backward } : { op, inputs, backward, owned };
    y.gradNode = into === undefined ? node : Object.assign(node, { backwardInto: into });
  } else {
    for (const t of owned ?? []) t.release();
  }
  return y;
}

/**
 * Records `y`, a view of `x` that moves no data, with its gradient rule `toInput` (the inverse
 * view of dy) and `toOutput`, which sees a gradient of x as one of y, or returns null where that
 * would move data (GradNode.view).
 */
export function recordView(op: string, y: Tensor, x: Tensor, toInput: (dy: Tensor) => Tensor, toOutput: (dx: Tensor) => Tensor | null): Tensor {
  record(op, y, [x], (dy) => [toInput(dy)]);
  if (y.gradNode !== null) y.gradNode = Object.assign(y.gradNode, { view: toOutput });
  return y;
}

/**
 * Gives `tensors`, private to the op that made `y` and read by its gradient rule, to y's graph
 * node, which releases them when backward() frees the graph (GradNode.owned); returns false when
 * no graph holds y, so nothing will read them once the caller is done: the caller releases them.
 * (A caller that reads an op's private outputs itself, as a batch norm reads its batch statistics
 * to update its running ones, hands them over afterwards.)
 */
export function giveToGraph(y: Tensor, tensors: readonly Tensor[]): boolean {
  const node = y.gradNode;
  if (node === null) return false;
  y.gradNode = { ...node, owned: [...(node.owned ?? []), ...tensors] };
  return true;
}
