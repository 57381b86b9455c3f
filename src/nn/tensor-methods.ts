/**
 * PyTorch-style methods on Tensor (`loss.backward()`, `x.view(-1, 320)`, `out.max(1)`), added by
 * augmenting the class so nn programs read like their PyTorch originals, with PyTorch's
 * semantics (dims, `keepdim`, `max(dim)` giving values and indices). Importing `fovea`'s nn
 * barrel installs them; each is a thin call to a functional op, so gradients come from the ops.
 *
 * Not here: PyTorch's `size()`, because `Tensor.size` is already the element count (as in
 * TensorFlow.js); use `x.shape` / `x.shape[d]` (PyTorch's `x.shape` works the same) or `numel()`.
 */
import { backward as backwardOp, type BackwardOptions } from '../autograd/backward.js';
import { engine } from '../backend/engine.js';
import { record } from '../autograd/record.js';
import { add, div, equal, maximum, minimum, mul, sub, type TensorLike } from '../ops/binary.js';
import { argmax, argmin, max, mean, min, sum, type Axes } from '../ops/reduce.js';
import { cast, reshape } from '../ops/shape-ops.js';
import { relu } from '../ops/unary.js';
import { Tensor } from '../tensor/tensor.js';
import { maxAlong, minAlong, type ValuesIndices } from './tensor-extremes.js';
import { dimsArg, flattenDims, narrow, permute, select, squeezeDims, swapDims, unsqueeze } from './tensor-shape.js';

export type { ValuesIndices } from './tensor-extremes.js';
export type { BackwardOptions } from '../autograd/backward.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    /**
     * Adds d(this)/d(leaf) into `.grad` of every leaf that requires a gradient, then frees the
     * graph. `gradient` is required unless this tensor has one element; a second pass through
     * the same graph throws unless the first was given `{ retainGraph: true }`.
     */
    backward(options?: BackwardOptions): void;
    backward(gradient: Tensor | null, options?: BackwardOptions): void;
    add(other: TensorLike): Tensor;
    sub(other: TensorLike): Tensor;
    mul(other: TensorLike): Tensor;
    div(other: TensorLike): Tensor;
    relu(): Tensor;
    /** Same values, new shape; one dimension may be -1. `view(2, 3)` or `view([2, 3])`. */
    view(...shape: number[] | [readonly number[]]): Tensor;
    reshape(...shape: number[] | [readonly number[]]): Tensor;
    /** Merges dims startDim..endDim (default: all, giving 1-d). */
    flatten(startDim?: number, endDim?: number): Tensor;
    /** Output dim i is input dim dims[i]: `x.permute(0, 3, 1, 2)` turns NHWC into NCHW. */
    permute(...dims: number[] | [readonly number[]]): Tensor;
    /** Swaps two dims. */
    transpose(dim0: number, dim1: number): Tensor;
    /** Removes dims of size 1 (only `dim` when given; a dim of another size is kept). */
    squeeze(dim?: number | readonly number[]): Tensor;
    /** Inserts a dim of size 1 at `dim`. */
    unsqueeze(dim: number): Tensor;
    /** The slice at `index` along `dim`, that dim removed: `x.select(0, i)` is PyTorch's `x[i]`. */
    select(dim: number, index: number): Tensor;
    /** `length` entries of `dim` from `start`, rank kept: `x.narrow(0, 2, 3)` is `x[2:5]`. */
    narrow(dim: number, start: number, length: number): Tensor;
    sum(dim?: Axes, keepdim?: boolean): Tensor;
    mean(dim?: Axes, keepdim?: boolean): Tensor;
    /** The largest value (0-d tensor); with `dim`, `{ values, indices }` along it; with a tensor, the elementwise maximum. */
    max(): Tensor;
    max(dim: number, keepdim?: boolean): ValuesIndices;
    max(other: Tensor): Tensor;
    min(): Tensor;
    min(dim: number, keepdim?: boolean): ValuesIndices;
    min(other: Tensor): Tensor;
    /** int32 index of the largest value along `dim`; without `dim`, into the flattened tensor. */
    argmax(dim?: number | null, keepdim?: boolean): Tensor;
    argmin(dim?: number | null, keepdim?: boolean): Tensor;
    /** Elementwise equality as float32 1/0 (Fovea has no bool dtype); int32 meets float32 as float32. */
    eq(other: TensorLike): Tensor;
    /** A float32 copy (this tensor when it already is float32, as in PyTorch). */
    float(): Tensor;
    /** An int32 copy, truncating toward zero (PyTorch's `.int()`). */
    int(): Tensor;
    /** The same values, cut from the graph: no gradient flows back through the result. */
    detach(): Tensor;
    /** A copy with its own storage; gradients flow back through it. */
    clone(): Tensor;
    /** The number of elements. */
    numel(): number;
    /** The number of dims (rank). */
    dim(): number;
    /** Nested arrays of the values (a number for a 0-d tensor). */
    tolist(): unknown;
  }
}

const proto = Tensor.prototype;

proto.backward = function (this: Tensor, gradient?: Tensor | null | BackwardOptions, options?: BackwardOptions): void {
  if (gradient instanceof Tensor || gradient === null) backwardOp(this, gradient, options);
  else backwardOp(this, null, gradient ?? options);
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
proto.view = function (this: Tensor, ...shape: number[] | [readonly number[]]) {
  return reshape(this, dimsArg(shape));
};
proto.reshape = proto.view;
proto.flatten = function (this: Tensor, startDim = 0, endDim = -1) {
  return flattenDims(this, startDim, endDim);
};
proto.permute = function (this: Tensor, ...dims: number[] | [readonly number[]]) {
  return permute(this, dimsArg(dims));
};
proto.transpose = function (this: Tensor, dim0: number, dim1: number) {
  return swapDims(this, dim0, dim1);
};
proto.squeeze = function (this: Tensor, dim?: number | readonly number[]) {
  return squeezeDims(this, dim);
};
proto.unsqueeze = function (this: Tensor, dim: number) {
  return unsqueeze(this, dim);
};
proto.select = function (this: Tensor, dim: number, index: number) {
  return select(this, dim, index);
};
proto.narrow = function (this: Tensor, dim: number, start: number, length: number) {
  return narrow(this, dim, start, length);
};
proto.sum = function (this: Tensor, dim: Axes = null, keepdim = false) {
  return sum(this, dim, keepdim);
};
proto.mean = function (this: Tensor, dim: Axes = null, keepdim = false) {
  return mean(this, dim, keepdim);
};
proto.max = function (this: Tensor, dimOrOther?: number | Tensor, keepdim: boolean = false): never {
  if (dimOrOther instanceof Tensor) return maximum(this, dimOrOther) as never;
  return (dimOrOther === undefined ? max(this) : maxAlong(this, dimOrOther, keepdim)) as never;
};
proto.min = function (this: Tensor, dimOrOther?: number | Tensor, keepdim: boolean = false): never {
  if (dimOrOther instanceof Tensor) return minimum(this, dimOrOther) as never;
  return (dimOrOther === undefined ? min(this) : minAlong(this, dimOrOther, keepdim)) as never;
};
proto.argmax = function (this: Tensor, dim: number | null = null, keepdim = false) {
  return argmax(this, dim, keepdim);
};
proto.argmin = function (this: Tensor, dim: number | null = null, keepdim = false) {
  return argmin(this, dim, keepdim);
};
proto.eq = function (this: Tensor, other: TensorLike) {
  // Compared as float32 unless both sides are integers, so 2.5 never truncates to 2.
  const bothInt = this.dtype === 'int32' && (typeof other === 'number' ? Number.isInteger(other) : other.dtype === 'int32');
  if (bothInt || (this.dtype === 'float32' && (typeof other === 'number' || other.dtype === 'float32'))) return equal(this, other);
  return equal(cast(this, 'float32'), typeof other === 'number' ? other : cast(other, 'float32'));
};
proto.float = function (this: Tensor) {
  return cast(this, 'float32');
};
proto.int = function (this: Tensor) {
  return cast(this, 'int32');
};
proto.detach = function (this: Tensor) {
  // A view without a recorded node: same storage, no copy, nothing upstream of it.
  return engine.makeView(this, this.shape);
};
proto.clone = function (this: Tensor) {
  // A same-dtype Cast always returns new storage; the copy passes gradients through unchanged.
  const y = engine.runKernel('Cast', { x: this }, { dtype: this.dtype });
  return record('clone', y, [this], (dy) => [dy]);
};
proto.numel = function (this: Tensor) {
  return this.size;
};
proto.dim = function (this: Tensor) {
  return this.rank;
};
proto.tolist = function (this: Tensor) {
  return this.arraySync();
};
