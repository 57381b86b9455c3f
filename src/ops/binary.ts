/** Elementwise arithmetic and comparisons with NumPy broadcasting. */
import { record } from '../autograd/record.js';
import { engine } from '../backend/engine.js';
import type { BinaryOp } from '../backend/kernels.js';
import type { Tensor } from '../tensor/tensor.js';
import { sumToShape } from './broadcast-grad.js';
import { scalar } from './create.js';

export type TensorLike = Tensor | number;

function asTensor(v: TensorLike, like: Tensor): Tensor {
  return typeof v === 'number' ? scalar(v, like.dtype) : v;
}

function run(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  if (a.dtype !== b.dtype) throw new Error(`${op}: dtypes differ (${a.dtype} vs ${b.dtype}); cast one first`);
  return engine.runKernel('Binary', { a, b }, { op });
}

/** Builds an op whose gradient rule maps (dy, a, b, y) to the unreduced input gradients. */
function differentiable(op: BinaryOp, rule: (dy: Tensor, a: Tensor, b: Tensor, y: Tensor) => [Tensor | null, Tensor | null]) {
  return (x: TensorLike, z: TensorLike): Tensor => {
    const a = typeof x === 'number' ? asTensor(x, z as Tensor) : x;
    const b = asTensor(z, a);
    const y = run(op, a, b);
    return record(op, y, [a, b], (dy) => {
      const [ga, gb] = rule(dy, a, b, y);
      return [ga && sumToShape(ga, a.shape), gb && sumToShape(gb, b.shape)];
    });
  };
}

export const add = differentiable('add', (dy) => [dy, dy]);
export const sub = differentiable('sub', (dy) => [dy, run('mul', dy, scalar(-1))]);
export const mul = differentiable('mul', (dy, a, b) => [run('mul', dy, b), run('mul', dy, a)]);
export const div = differentiable('div', (dy, a, b, y) => [run('div', dy, b), run('mul', run('div', dy, b), run('mul', y, scalar(-1)))]);
/** a^b; the gradient for b uses log(a), defined where a > 0. */
export const pow = differentiable('pow', (dy, a, b, y) => {
  const da = run('mul', dy, run('mul', b, run('pow', a, run('sub', b, scalar(1)))));
  const logA = engine.runKernel('Unary', { x: a }, { op: 'log', alpha: 0 });
  return [da, b.needsGrad ? run('mul', dy, run('mul', y, logA)) : null];
});
/** Ties send the gradient to `a`, as TensorFlow does. */
export const maximum = differentiable('maximum', (dy, a, b) => {
  const mask = run('greaterEqual', a, b);
  return [run('mul', dy, mask), run('mul', dy, run('sub', scalar(1), mask))];
});
export const minimum = differentiable('minimum', (dy, a, b) => {
  const mask = run('lessEqual', a, b);
  return [run('mul', dy, mask), run('mul', dy, run('sub', scalar(1), mask))];
});

/** Comparisons give float32 1/0 and carry no gradient. */
function comparison(op: BinaryOp) {
  return (x: TensorLike, z: TensorLike): Tensor => {
    const a = typeof x === 'number' ? asTensor(x, z as Tensor) : x;
    return run(op, a, asTensor(z, a));
  };
}

export const equal = comparison('equal');
export const notEqual = comparison('notEqual');
export const greater = comparison('greater');
export const greaterEqual = comparison('greaterEqual');
export const less = comparison('less');
export const lessEqual = comparison('lessEqual');
