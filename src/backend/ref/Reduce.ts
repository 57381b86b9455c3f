/**
 * sum / max / min over `axes` (sorted, unique, non-negative). Sums accumulate in float64 so long
 * reductions (a loss over a large batch) do not drift; int32 input stays int32. max/min propagate
 * NaN like tf.reduce_max. Reducing an empty axis gives 0 for sum and -Inf / +Inf for max / min.
 */
import type { KernelFn, ReduceOp } from '../kernels.js';
import { arrayFor } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';
import { sizeOf } from '../../tensor/shape.js';
import { broadcastIndices, fail } from './strided.js';
import { dataOf, output } from './storage.js';

function checkAxes(op: ReduceOp, axes: readonly number[], rank: number): void {
  axes.forEach((ax, i) => {
    if (!Number.isInteger(ax) || ax < 0 || ax >= rank) {
      fail(`Reduce(${op})`, `each axis`, `an integer in [0, ${rank - 1}] for rank ${rank}`, ax);
    }
    if (i > 0 && ax <= axes[i - 1]) fail(`Reduce(${op})`, 'axes', 'sorted ascending without repeats', axes);
  });
}

const INIT: Record<ReduceOp, number> = { sum: 0, max: -Infinity, min: Infinity };

function accumulate(op: ReduceOp, x: ArrayLike<number>, target: Int32Array, acc: Float64Array): void {
  if (op === 'sum') {
    for (let i = 0; i < x.length; i++) acc[target[i]] += x[i];
  } else if (op === 'max') {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      const t = target[i];
      if (v > acc[t] || v !== v) acc[t] = v;
    }
  } else {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      const t = target[i];
      if (v < acc[t] || v !== v) acc[t] = v;
    }
  }
}

export const reduce: KernelFn<'Reduce'> = ({ x }, { op, axes, keepDims }) => {
  if (!Object.hasOwn(INIT, op)) throw new Error(`Reduce: unknown op '${String(op)}'`);
  checkAxes(op, axes, x.shape.length);
  const reduced = new Set(axes);
  const kept: Shape = x.shape.map((d, i) => (reduced.has(i) ? 1 : d));
  const acc = new Float64Array(sizeOf(kept)).fill(INIT[op]);
  // Walking x while reading the kept-dims shape broadcast over it gives each element's target cell.
  // NaN already sticks: once acc is NaN, `v > NaN` is false for every later v.
  accumulate(op, dataOf(x), broadcastIndices(kept, x.shape), acc);
  const shape = keepDims ? kept : x.shape.filter((_, i) => !reduced.has(i));
  const out = arrayFor(x.dtype, acc.length);
  out.set(acc);
  return output(shape, x.dtype, out);
};
