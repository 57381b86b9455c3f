/** Matrix products: `matmul` and the fused `dense` (x @ w + b, optional relu) that Dense layers use. */
import { record } from '../autograd/record.js';
import { engine } from '../backend/engine.js';
import type { FusedActivation, TensorInfo } from '../backend/kernels.js';
import { columnOrder, sameOrder } from '../tensor/layout.js';
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

/**
 * activation(x @ w^T + b) for x [N, in], w [out, in] (PyTorch's Linear layout), b [out]: one
 * MatMul kernel reading w transposed in place, with the bias and activation in its epilogue.
 */
export function linear(x: Tensor, w: Tensor, b: Tensor | null = null, activation: FusedActivation = 'linear'): Tensor {
  if (x.rank !== 2 || w.rank !== 2 || x.shape[1] !== w.shape[1]) {
    throw new Error(`linear: expected x [N, ${w.shape[1]}] for weight ${shapeToString(w.shape)}, got x ${shapeToString(x.shape)}`);
  }
  if (b !== null && (b.rank !== 1 || b.shape[0] !== w.shape[0])) {
    throw new Error(`linear: expected bias [${w.shape[0]}] for weight ${shapeToString(w.shape)}, got ${shapeToString(b.shape)}`);
  }
  if (sharesColumnOrder(x, w, b)) return linearInColumnOrder(x, w, b, activation);
  const y = engine.runKernel('MatMul', { a: x, b: w, bias: b ?? undefined }, { transposeA: false, transposeB: true, activation });
  const inputs = b === null ? [x, w] : [x, w, b];
  return record('linear', y, inputs, (dy) => {
    const [g, db] = epilogueGrads(dy, y, activation, b !== null);
    const dx = x.needsGrad ? mm(g, w, false, false) : null;
    const dw = w.needsGrad ? mm(g, x, true, false) : null;
    return db === null ? [dx, dw] : [dx, dw, db];
  });
}

/**
 * Whether x [N, in] and w [out, in] hold their columns in one permuted order (tensor/layout.ts
 * `columnOrder`), on the active backend: x is a flattened NHWC-stored NCHW activation and w a
 * Linear weight that follows it (nn/linear.ts). Their stored rows then multiply as they are.
 */
function sharesColumnOrder(x: Tensor, w: Tensor, b: Tensor | null): boolean {
  const columns = columnOrder(x.shape, x.storedOrder);
  const onBackend = [x, w, ...(b === null ? [] : [b])].every((t) => t.backend === engine.backend);
  return columns !== null && onBackend && sameOrder(columns, columnOrder(w.shape, w.storedOrder));
}

/** A tensor's values in logical order as a kernel input (reordered first when permuted). */
function orderedInfo(t: Tensor): TensorInfo {
  return { handle: t.orderedStorage().handle, shape: t.shape, dtype: t.dtype };
}

/**
 * linear() on operands that share a column order: the sum over `in` runs in the stored order (the
 * same terms as PyTorch's, summed in another order), and the gradients come out in the operands'
 * own orders, so neither the activation nor the weight is ever reordered.
 */
function linearInColumnOrder(x: Tensor, w: Tensor, b: Tensor | null, activation: FusedActivation): Tensor {
  const [n, k] = x.shape as [number, number];
  const out = w.shape[0]!;
  const attrs = { transposeA: false, transposeB: true, activation };
  const raw = engine.runStored('MatMul', { a: x.storedInfo([n, k]), b: w.storedInfo([out, k]), bias: b === null ? undefined : orderedInfo(b) }, attrs);
  const y = engine.wrapInOrder(raw, [n, out], null);
  const inputs = b === null ? [x, w] : [x, w, b];
  return record('linear', y, inputs, (dy) => {
    const [g, db] = epilogueGrads(dy, y, activation, b !== null);
    // Read at backward time: the orders are checked again, as a step may have changed them.
    const stored = sharesColumnOrder(x, w, null);
    const product = (a: TensorInfo, bInfo: TensorInfo, transposeA: boolean) => engine.runStored('MatMul', { a, b: bInfo, bias: undefined }, { transposeA, transposeB: false, activation: 'linear' });
    const dx = !x.needsGrad ? null : stored ? engine.wrapInOrder(product(orderedInfo(g), w.storedInfo([out, k]), false), x.shape, x.storedOrder) : mm(g, w, false, false);
    const dw = !w.needsGrad ? null : stored ? engine.wrapInOrder(product(orderedInfo(g), x.storedInfo([n, k]), true), w.shape, w.storedOrder) : mm(g, x, true, false);
    return db === null ? [dx, dw] : [dx, dw, db];
  });
}
