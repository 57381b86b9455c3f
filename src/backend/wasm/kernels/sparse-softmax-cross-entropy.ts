/**
 * SparseSoftmaxCrossEntropy and its logits gradient: the dense kernels' TS row loops over heap
 * views (softmax-cross-entropy.ts) with a class index per row in place of a label row, so an nn
 * loss with class targets builds no one-hot tensor. The same bits as the dense wasm kernels on the
 * one-hot rows (finite logits); within conformance tolerance of the reference, as they are.
 */
import type { KernelFn, TensorInfo } from '../../kernels.js';
import { checkSparseSoftmaxCrossEntropy, classOfRow } from '../../ref/SparseSoftmaxCrossEntropy.js';
import type { WasmContext } from '../context.js';
import { expRow } from './softmax-cross-entropy.js';

function viewsOf(ctx: WasmContext, logits: TensorInfo, classes: TensorInfo, rows: number, n: number) {
  return { z: ctx.heap.view(logits.handle, 'float32', rows * n), c: ctx.heap.view(classes.handle, 'int32', rows), e: new Float64Array(n), classes: n };
}

export function makeSparseSoftmaxCrossEntropy(ctx: WasmContext): KernelFn<'SparseSoftmaxCrossEntropy'> {
  return ({ logits, classes }) => {
    const [rows, n] = checkSparseSoftmaxCrossEntropy('SparseSoftmaxCrossEntropy', logits, classes);
    // Every class checked before the output is allocated: a bad one throws without leaving a block.
    const c = ctx.heap.view(classes.handle, 'int32', rows);
    for (let r = 0; r < rows; r++) classOfRow('SparseSoftmaxCrossEntropy', c, r, n);
    // The output first: allocating may grow the heap, which would detach views taken before it.
    const out = ctx.heap.output([rows], 'float32');
    const loss = ctx.heap.view(out.handle, 'float32', rows);
    const v = viewsOf(ctx, logits, classes, rows, n);
    for (let r = 0; r < rows; r++) {
      const k = classOfRow('SparseSoftmaxCrossEntropy', v.c, r, n);
      const [m, s] = expRow(v, r);
      loss[r] = m + Math.log(s) - v.z[r * n + k]!;
    }
    return out;
  };
}

export function makeSparseSoftmaxCrossEntropyGrad(ctx: WasmContext): KernelFn<'SparseSoftmaxCrossEntropyGrad'> {
  return ({ logits, classes, dy }) => {
    const [rows, n] = checkSparseSoftmaxCrossEntropy('SparseSoftmaxCrossEntropyGrad', logits, classes, dy);
    const out = ctx.heap.output([rows, n], 'float32');
    const dz = ctx.heap.view(out.handle, 'float32', rows * n);
    const g = ctx.heap.view(dy.handle, 'float32', rows);
    const v = viewsOf(ctx, logits, classes, rows, n);
    for (let r = 0; r < rows; r++) {
      const k = classOfRow('SparseSoftmaxCrossEntropyGrad', v.c, r, n);
      const [, s] = expRow(v, r);
      // softmax_j = e_j / sum(e), from the row buffer: no second exp.
      for (let j = 0, i = r * n; j < n; j++, i++) dz[i] = g[r]! * (v.e[j]! / s - (j === k ? 1 : 0));
    }
    return out;
  };
}
