/** Elementwise arithmetic and comparisons with NumPy broadcasting. */
import { record } from '../autograd/record.js';
import { engine } from '../backend/engine.js';
import type { BinaryOp } from '../backend/kernels.js';
import { shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { deferAdd } from '../plan/deferred-chain.js';
import { sumToShape } from './broadcast-grad.js';
import { scalar } from './create.js';
import { sharesStoredOrder } from './unary.js';

export type TensorLike = Tensor | number;

function asTensor(v: TensorLike, like: Tensor): Tensor {
  return typeof v === 'number' ? scalar(v, like.dtype) : v;
}

/**
 * Operands of one shape that hold one permuted stored order (an nn conv's NCHW output is NHWC in
 * storage, tensor/layout.ts) run on their stored values, and the result keeps the order: a residual
 * block's `add(y, shortcut)` reorders nothing. Otherwise (broadcasting, mixed orders) the kernel
 * takes them in row-major order.
 */
function run(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  if (a.dtype !== b.dtype) throw new Error(`${op}: dtypes differ (${a.dtype} vs ${b.dtype}); cast one first`);
  if (shapesEqual(a.shape, b.shape) && sharesStoredOrder([a, b])) return engine.runElementwiseInLayout('Binary', { a, b }, { op }, a);
  return engine.runKernel('Binary', { a, b }, { op });
}

/** Which inputs ask for a gradient: a rule computes nothing for the others. */
type Need = readonly [boolean, boolean];

/**
 * Builds an op whose gradient rule maps (dy, a, b, y, need) to the unreduced input gradients. The
 * rule returns null for an input that needs none (a constant such as ReLU's maxValue or BN's
 * epsilon), so no elementwise work and no broadcast reduction is spent on it.
 */
function differentiable(op: BinaryOp, rule: (dy: Tensor, a: Tensor, b: Tensor, y: Tensor, need: Need) => [Tensor | null, Tensor | null]) {
  return (x: TensorLike, z: TensorLike): Tensor => {
    const a = typeof x === 'number' ? asTensor(x, z as Tensor) : x;
    const b = asTensor(z, a);
    const y = run(op, a, b);
    return record(op, y, [a, b], (dy) => {
      const need: Need = [a.needsGrad, b.needsGrad];
      const [ga, gb] = rule(dy, a, b, y, need);
      return [ga && need[0] ? sumToShape(ga, a.shape) : null, gb && need[1] ? sumToShape(gb, b.shape) : null];
    });
  };
}

/** f() when the input needs a gradient, else null. */
const when = (needed: boolean, f: () => Tensor): Tensor | null => (needed ? f() : null);

const plainAdd = differentiable('add', (dy) => [dy, dy]);
/**
 * a + b. Without a graph, the sum of an nn conv's deferred output and a shortcut joins the conv's
 * chain (plan/deferred-chain.ts), so conv -> (BN) -> add -> relu can run as one conv kernel.
 */
export function add(x: TensorLike, z: TensorLike): Tensor {
  return (typeof x === 'number' || typeof z === 'number' ? null : deferAdd(x, z, plainAdd)) ?? plainAdd(x, z);
}
export const sub = differentiable('sub', (dy, _a, _b, _y, need) => [dy, when(need[1], () => run('mul', dy, scalar(-1)))]);
export const mul = differentiable('mul', (dy, a, b, _y, need) => [when(need[0], () => run('mul', dy, b)), when(need[1], () => run('mul', dy, a))]);
export const div = differentiable('div', (dy, _a, b, y, need) => {
  const dyOverB = run('div', dy, b);
  return [dyOverB, when(need[1], () => run('mul', dyOverB, run('mul', y, scalar(-1))))];
});
/** a^b; the gradient for b uses log(a), defined where a > 0. */
export const pow = differentiable('pow', (dy, a, b, y, need) => {
  const da = when(need[0], () => run('mul', dy, run('mul', b, run('pow', a, run('sub', b, scalar(1))))));
  return [da, when(need[1], () => run('mul', dy, run('mul', y, engine.runKernel('Unary', { x: a }, { op: 'log', alpha: 0 }))))];
});
/** Ties send the gradient to `a`, as TensorFlow does. */
export const maximum = differentiable('maximum', (dy, a, b, _y, need) => {
  const mask = run('greaterEqual', a, b);
  return [when(need[0], () => run('mul', dy, mask)), when(need[1], () => run('mul', dy, run('sub', scalar(1), mask)))];
});
export const minimum = differentiable('minimum', (dy, a, b, _y, need) => {
  const mask = run('lessEqual', a, b);
  return [when(need[0], () => run('mul', dy, mask)), when(need[1], () => run('mul', dy, run('sub', scalar(1), mask)))];
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
