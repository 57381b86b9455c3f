/** Matrix products: `matmul` and the fused `dense` (x @ w + b, optional relu) that Dense layers use. */
import { record } from '../autograd/record.js';
import { engine } from '../backend/engine.js';
import type { FusedActivation } from '../backend/kernels.js';
import { shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { epilogueGrads } from './epilogue-grad.js';

export interface MatMulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

function mm(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor {
  return engine.runKernel('MatMul', { a, b, bias: undefined }, { transposeA, transposeB, activation: 'linear' });
}

/** Gradients of op(a) @ op(b) for upstream dy. */
function matmulGrads(dy: Tensor, a: Tensor, b: Tensor, tA: boolean, tB: boolean): [Tensor, Tensor] {
  const da = tA ? mm(b, dy, tB, true) : mm(dy, b, false, !tB);
  const db = tB ? mm(dy, a, true, tA) : mm(a, dy, !tA, false);
  return [da, db];
}

/** op(a) @ op(b) for rank-2 (or equal-batch rank-3) tensors. */
export function matmul(a: Tensor, b: Tensor, options: MatMulOptions = {}): Tensor {
  const tA = options.transposeA ?? false;
  const tB = options.transposeB ?? false;
  const y = mm(a, b, tA, tB);
  return record('matmul', y, [a, b], (dy) => matmulGrads(dy, a, b, tA, tB));
}

/**
 * act(x @ w + b) for x [N, in], w [in, out], b [out], in one fused kernel. With 'relu' the
 * gradient masks on y > 0, which equals x @ w + b > 0.
 */
export function dense(x: Tensor, w: Tensor, b: Tensor | null = null, activation: FusedActivation = 'linear'): Tensor {
  if (x.rank !== 2 || w.rank !== 2 || x.shape[1] !== w.shape[0]) {
    throw new Error(`dense: expected x [N, ${w.shape[0]}] for weights ${shapeToString(w.shape)}, got x ${shapeToString(x.shape)}`);
  }
  const y = engine.runKernel('MatMul', { a: x, b: w, bias: b ?? undefined }, { transposeA: false, transposeB: false, activation });
  const inputs = b === null ? [x, w] : [x, w, b];
  return record('dense', y, inputs, (dy) => {
    const [g, db] = epilogueGrads(dy, y, activation, b !== null);
    const [dx, dw] = matmulGrads(g, x, w, false, false);
    return db === null ? [dx, dw] : [dx, dw, db];
  });
}
