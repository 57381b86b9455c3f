/** Reducing a broadcast gradient back to the shape of the input that was broadcast. */
import { engine } from '../backend/engine.js';
import type { Shape } from '../tensor/shape.js';
import { shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/** Sums `g` over the axes along which an input of `shape` was stretched to g's shape. */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length > 0 ? engine.runKernel('Reduce', { x: g }, { op: 'sum', axes, keepDims: true }) : g;
  return engine.makeView(summed, shape);
}

/** `t` stretched to `shape` by broadcasting (a materialized copy). */
export function broadcastTo(t: Tensor, shape: Shape): Tensor {
  if (shapesEqual(t.shape, shape)) return t;
  const zeros = engine.makeTensor(new Float32Array(shape.reduce((n, d) => n * d, 1)), shape, 'float32');
  return engine.runKernel('Binary', { a: t, b: zeros }, { op: 'add' });
}
