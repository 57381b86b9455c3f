/**
 * A few PyTorch-style methods on Tensor (`loss.backward()`, `x.view(-1, 320)`, `out.argmax(1)`),
 * added by augmenting the class so nn programs read like their PyTorch originals. Importing
 * `fovea`'s nn barrel installs them; each is a thin call to the functional op.
 */
import { backward as backwardOp } from '../autograd/backward.js';
import { add, div, mul, sub, type TensorLike } from '../ops/binary.js';
import { mean, sum, type Axes, argMax } from '../ops/reduce.js';
import { reshape } from '../ops/shape-ops.js';
import { relu } from '../ops/unary.js';
import { withScope } from '../tensor/scope.js';
import { Tensor } from '../tensor/tensor.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** Adds d(this)/d(leaf) into `.grad` of every leaf that requires a gradient. */
    backward(): void;
    add(other: TensorLike): Tensor;
    sub(other: TensorLike): Tensor;
    mul(other: TensorLike): Tensor;
    div(other: TensorLike): Tensor;
    relu(): Tensor;
    /** Same values, new shape; one dimension may be -1. */
    view(...shape: number[]): Tensor;
    reshape(...shape: number[]): Tensor;
    sum(dim?: Axes, keepDim?: boolean): Tensor;
    mean(dim?: Axes, keepDim?: boolean): Tensor;
    /** int32 index of the largest value along `dim` (default: the last axis). */
    argmax(dim?: number): Tensor;
  }
}

/** The leaves that will receive a gradient: the tensors whose `.grad` must outlive backward's scope. */
function gradLeaves(root: Tensor): Tensor[] {
  const leaves: Tensor[] = [];
  const seen = new Set<Tensor>([root]);
  const stack = [root];
  while (stack.length > 0) {
    const t = stack.pop() as Tensor;
    if (t.gradNode === null && t.requiresGrad) leaves.push(t);
    for (const input of t.gradNode?.inputs ?? []) {
      if (!seen.has(input)) {
        seen.add(input);
        stack.push(input);
      }
    }
  }
  return leaves;
}

const proto = Tensor.prototype;

proto.backward = function (this: Tensor): void {
  const leaves = gradLeaves(this);
  // The reverse pass's temporaries are freed at once; only the new `.grad`s survive.
  withScope(() => {
    backwardOp(this);
    return leaves.map((l) => l.grad).filter((g): g is Tensor => g !== null);
  });
};
proto.add = function (this: Tensor, o: TensorLike) {
  return add(this, o);
};
proto.sub = function (this: Tensor, o: TensorLike) {
  return sub(this, o);
};
proto.mul = function (this: Tensor, o: TensorLike) {
  return mul(this, o);
};
proto.div = function (this: Tensor, o: TensorLike) {
  return div(this, o);
};
proto.relu = function (this: Tensor) {
  return relu(this);
};
proto.view = function (this: Tensor, ...shape: number[]) {
  return reshape(this, shape);
};
proto.reshape = function (this: Tensor, ...shape: number[]) {
  return reshape(this, shape);
};
proto.sum = function (this: Tensor, dim: Axes = null, keepDim = false) {
  return sum(this, dim, keepDim);
};
proto.mean = function (this: Tensor, dim: Axes = null, keepDim = false) {
  return mean(this, dim, keepDim);
};
proto.argmax = function (this: Tensor, dim = -1) {
  return argMax(this, dim);
};
