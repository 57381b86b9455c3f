/**
 * Elementwise math and activation functions. Each is one `Unary` kernel forward and one
 * `UnaryGrad` kernel backward (dx = dy * f'(x)), so a backend computes both in a single pass.
 */
import { record } from '../autograd/record.js';
import { engine } from '../backend/engine.js';
import type { UnaryOp } from '../backend/kernels.js';
import type { Tensor } from '../tensor/tensor.js';
import { rememberSigmoid } from './logits-origin.js';
import { sameOrder } from '../tensor/layout.js';

export function unaryOp(op: UnaryOp, x: Tensor, alpha = 0): Tensor {
  if (x.dtype !== 'float32') throw new Error(`${op}: expected a float32 tensor, got ${x.dtype}`);
  const y = sharesStoredOrder([x]) ? engine.runElementwiseInLayout('Unary', { x }, { op, alpha }, x) : engine.runKernel('Unary', { x }, { op, alpha });
  return record(op, y, [x], (dy) => [
    sharesStoredOrder([x, dy]) ? engine.runElementwiseInLayout('UnaryGrad', { x, dy }, { op, alpha }, x) : engine.runKernel('UnaryGrad', { x, dy }, { op, alpha }),
  ]);
}

/**
 * Whether every input holds one permuted stored order (tensor/layout.ts) on the active backend. An
 * elementwise kernel then runs on the stored values and its output keeps the order: no values are
 * reordered for it. Otherwise the inputs run as they are (reordered first when permuted).
 */
export function sharesStoredOrder(xs: readonly Tensor[]): boolean {
  const order = xs[0]!.storedOrder;
  return order !== null && xs.every((t) => sameOrder(t.storedOrder, order) && t.backend === engine.backend);
}

export const neg = (x: Tensor): Tensor => unaryOp('neg', x);
export const abs = (x: Tensor): Tensor => unaryOp('abs', x);
export const exp = (x: Tensor): Tensor => unaryOp('exp', x);
export const log = (x: Tensor): Tensor => unaryOp('log', x);
export const sqrt = (x: Tensor): Tensor => unaryOp('sqrt', x);
export const square = (x: Tensor): Tensor => unaryOp('square', x);
export const sin = (x: Tensor): Tensor => unaryOp('sin', x);
export const cos = (x: Tensor): Tensor => unaryOp('cos', x);
export const sign = (x: Tensor): Tensor => unaryOp('sign', x);
export const reciprocal = (x: Tensor): Tensor => unaryOp('reciprocal', x);
export const erf = (x: Tensor): Tensor => unaryOp('erf', x);

/** max(x, 0). */
export const relu = (x: Tensor): Tensor => unaryOp('relu', x);
/** min(max(x, 0), 6). */
export const relu6 = (x: Tensor): Tensor => unaryOp('relu6', x);
/** x for x > 0, alpha * x otherwise. Keras 3's default slope is 0.2 (PyTorch's is 0.01). */
export const leakyRelu = (x: Tensor, alpha = 0.2): Tensor => unaryOp('leakyRelu', x, alpha);
/** x for x > 0, alpha * (exp(x) - 1) otherwise. */
export const elu = (x: Tensor, alpha = 1): Tensor => unaryOp('elu', x, alpha);
/** Scaled ELU with the self-normalizing constants (scale 1.0507, alpha 1.6733). */
export const selu = (x: Tensor): Tensor => unaryOp('selu', x);
/** Exact GELU: x * Phi(x) with the normal CDF computed from erf. */
export const gelu = (x: Tensor): Tensor => unaryOp('gelu', x);
/** 1 / (1 + exp(-x)). The output remembers x, so binary cross-entropy can start from the logits. */
export function sigmoid(x: Tensor): Tensor {
  const y = unaryOp('sigmoid', x);
  rememberSigmoid(y, x);
  return y;
}
/** Keras 3: relu6(x + 3) / 6. */
export const hardSigmoid = (x: Tensor): Tensor => unaryOp('hardSigmoid', x);
export const tanh = (x: Tensor): Tensor => unaryOp('tanh', x);
/** log(1 + exp(x)), computed without overflow. */
export const softplus = (x: Tensor): Tensor => unaryOp('softplus', x);
/** x / (1 + |x|). */
export const softsign = (x: Tensor): Tensor => unaryOp('softsign', x);
/** x * sigmoid(x) (also called SiLU). */
export const swish = (x: Tensor): Tensor => unaryOp('swish', x);
/** x * tanh(softplus(x)). */
export const mish = (x: Tensor): Tensor => unaryOp('mish', x);
/** sin(x) / x, 1 at 0. */
export const sinc = (x: Tensor): Tensor => unaryOp('sinc', x);
/** Heaviside step: 1 for x > 0, else 0; its gradient is zero everywhere. */
export const step = (x: Tensor): Tensor => unaryOp('step', x);
/** log(sigmoid(x)), computed without overflow. */
export const logSigmoid = (x: Tensor): Tensor => unaryOp('logSigmoid', x);
