/** Reductions over axes: sum, mean, max, min, argmax, argmin. */
import { record } from '../autograd/record.js';
import { engine } from '../backend/engine.js';
import type { ReduceOp } from '../backend/kernels.js';
import { normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { broadcastTo } from './broadcast-grad.js';
import { scalar } from './create.js';

export type Axes = number | readonly number[] | null;

function axesOf(x: Tensor, axes: Axes, op: string): number[] {
  if (axes === null) return x.shape.map((_, i) => i);
  const list = typeof axes === 'number' ? [axes] : [...axes];
  return [...new Set(list.map((a) => normalizeAxis(a, x.rank, op)))].sort((a, b) => a - b);
}

function keptShape(x: Tensor, axes: number[]): number[] {
  return x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** The upstream gradient reshaped so it broadcasts against x. */
function broadcastBack(dy: Tensor, x: Tensor, axes: number[]): Tensor {
  return engine.makeView(dy, keptShape(x, axes));
}

function reduceRaw(op: ReduceOp, x: Tensor, axes: number[], keepDims: boolean): Tensor {
  return engine.runKernel('Reduce', { x }, { op, axes, keepDims });
}

export function sum(x: Tensor, axes: Axes = null, keepDims = false): Tensor {
  const ax = axesOf(x, axes, 'sum');
  const y = reduceRaw('sum', x, ax, keepDims);
  return record('sum', y, [x], (dy) => [broadcastTo(broadcastBack(dy, x, ax), x.shape)]);
}

export function mean(x: Tensor, axes: Axes = null, keepDims = false): Tensor {
  const ax = axesOf(x, axes, 'mean');
  const count = ax.reduce((n, a) => n * x.shape[a], 1);
  // The sum and the count are this op's own: released at once (outside a step scope they waited for the collector).
  const divide = (t: Tensor) => {
    const n = scalar(count);
    const q = engine.runKernel('Binary', { a: t, b: n }, { op: 'div' });
    n.release();
    return q;
  };
  const total = reduceRaw('sum', x, ax, keepDims);
  const y = divide(total);
  total.release();
  return record('mean', y, [x], (dy) => [broadcastTo(divide(broadcastBack(dy, x, ax)), x.shape)]);
}

/** max/min: the gradient goes to every element equal to the extreme. */
function extreme(op: 'max' | 'min') {
  return (x: Tensor, axes: Axes = null, keepDims = false): Tensor => {
    const ax = axesOf(x, axes, op);
    const y = reduceRaw(op, x, ax, keepDims);
    return record(op, y, [x], (dy) => {
      const mask = engine.runKernel('Binary', { a: x, b: engine.makeView(y, keptShape(x, ax)) }, { op: 'equal' });
      return [engine.runKernel('Binary', { a: mask, b: broadcastBack(dy, x, ax) }, { op: 'mul' })];
    });
  };
}

export const max = extreme('max');
export const min = extreme('min');

/**
 * int32 index of the largest value along `axis` (the first one on ties; NaN counts as largest).
 * `axis` null (the default, as in Keras 3's `ops.argmax` and PyTorch's `torch.argmax`) gives the
 * index into the flattened tensor. `keepDims` keeps the reduced axis (all axes for null) as size 1.
 * Example: `argmax(tensor([[1, 5], [7, 2]]), 1)` = [1, 0]; `argmax(tensor([[1, 5], [7, 2]]))` = 2.
 */
export function argmax(x: Tensor, axis: number | null = null, keepDims = false): Tensor {
  return indexOfExtreme('argmax', x, axis, keepDims);
}

/** int32 index of the smallest value along `axis`; same conventions as `argmax`. */
export function argmin(x: Tensor, axis: number | null = null, keepDims = false): Tensor {
  // The largest of -x is the smallest of x, first one on ties; NaN stays NaN, so it still wins.
  const negated = engine.runKernel('Binary', { a: x, b: scalar(-1, x.dtype) }, { op: 'mul' });
  return indexOfExtreme('argmin', negated, axis, keepDims);
}

function indexOfExtreme(op: string, x: Tensor, axis: number | null, keepDims: boolean): Tensor {
  if (axis === null) {
    const flat = engine.runKernel('ArgMax', { x: engine.makeView(x, [x.size]) }, { axis: 0 });
    return keepDims ? engine.makeView(flat, x.shape.map(() => 1)) : flat;
  }
  const ax = normalizeAxis(axis, x.rank, op);
  const indices = engine.runKernel('ArgMax', { x }, { axis: ax });
  return keepDims ? engine.makeView(indices, keptShape(x, [ax])) : indices;
}

/**
 * @deprecated Use `argmax(x, axis)`: the one name Keras 3 and PyTorch share. Kept for existing
 * code, with its old default (the last axis instead of the flattened tensor).
 */
export function argMax(x: Tensor, axis = -1): Tensor {
  return argmax(x, axis);
}
