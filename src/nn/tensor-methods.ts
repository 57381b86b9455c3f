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

const proto = Tensor.prototype;

proto.backward = function (this: Tensor): void {
  backwardOp(this);
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
