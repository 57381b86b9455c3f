/**
 * SoftmaxCrossEntropy, its logits gradient and Softmax: interim TS loops over heap views with the
 * reference semantics (row max shift, float64 accumulation; see ref/SoftmaxCrossEntropy.ts). The
 * seed CNN runs them once each per step on [64, 10], where a kernel call's fixed cost dominates,
 * so a wasm export would not pay for itself yet. Each row's shifted exponentials are computed once
 * into a float64 row buffer and reused.
 */
import type { KernelFn, TensorInfo } from '../../kernels.js';
import { checkSoftmax, logSoftmaxRows, softmaxRows } from '../../ref/Softmax.js';
import { checkSoftmaxCrossEntropy } from '../../ref/SoftmaxCrossEntropy.js';
import type { WasmContext } from '../context.js';

type View = Float32Array | Int32Array;

export interface Rows {
  z: View;
  t: View;
  /** exp(z[r, j] - max_j z[r, j]) of the current row. */
  e: Float64Array;
  classes: number;
}

/** Fills rows.e for row `r`; returns [max, sum(e)] (the row's logSumExp is max + log(sum)). */
export function expRow(rows: Pick<Rows, 'z' | 'e' | 'classes'>, r: number): [number, number] {
  const { z, e, classes } = rows;
  const base = r * classes;
  let m = -Infinity;
  for (let j = 0; j < classes; j++) {
    const v = z[base + j]!;
    if (v > m || v !== v) m = v;
  }
  let s = 0;
  for (let j = 0; j < classes; j++) {
    e[j] = Math.exp(z[base + j]! - m);
    s += e[j]!;
  }
  return [m, s];
}

function viewsOf(ctx: WasmContext, logits: TensorInfo, labels: TensorInfo, rows: number, classes: number): Rows {
  const n = rows * classes;
  return { z: ctx.heap.view(logits.handle, 'float32', n), t: ctx.heap.view(labels.handle, 'float32', n), e: new Float64Array(classes), classes };
}

export function makeSoftmaxCrossEntropy(ctx: WasmContext): KernelFn<'SoftmaxCrossEntropy'> {
  return ({ logits, labels }) => {
    const [rows, classes] = checkSoftmaxCrossEntropy('SoftmaxCrossEntropy', logits, labels);
    // The output first: allocating may grow the heap, which would detach views taken before it.
    const out = ctx.heap.output([rows], 'float32');
    const loss = ctx.heap.view(out.handle, 'float32', rows);
    const v = viewsOf(ctx, logits, labels, rows, classes);
    for (let r = 0; r < rows; r++) {
      const [m, s] = expRow(v, r);
      const lse = m + Math.log(s);
      let acc = 0;
      for (let j = 0, i = r * classes; j < classes; j++, i++) acc += v.t[i]! * (lse - v.z[i]!);
      loss[r] = acc;
    }
    return out;
  };
}

export function makeSoftmaxCrossEntropyGrad(ctx: WasmContext): KernelFn<'SoftmaxCrossEntropyGrad'> {
  return ({ logits, labels, dy }) => {
    const [rows, classes] = checkSoftmaxCrossEntropy('SoftmaxCrossEntropyGrad', logits, labels, dy);
    const out = ctx.heap.output([rows, classes], 'float32');
    const dz = ctx.heap.view(out.handle, 'float32', rows * classes);
    const g = ctx.heap.view(dy.handle, 'float32', rows);
    const v = viewsOf(ctx, logits, labels, rows, classes);
    for (let r = 0; r < rows; r++) {
      const [, s] = expRow(v, r);
      let labelSum = 0;
      for (let j = 0, i = r * classes; j < classes; j++, i++) labelSum += v.t[i]!;
      // softmax_j = e_j / sum(e), from the row buffer: no second exp.
      for (let j = 0, i = r * classes; j < classes; j++, i++) dz[i] = g[r]! * ((v.e[j]! / s) * labelSum - v.t[i]!);
    }
    return out;
  };
}

/** The reference's row loop over heap views: the same bits as the ref backend. */
export function makeSoftmax(ctx: WasmContext): KernelFn<'Softmax'> {
  return ({ x }) => {
    const [rows, classes] = checkSoftmax(x);
    // The output first: allocating may grow the heap, which would detach views taken before it.
    const out = ctx.heap.output([...x.shape], 'float32');
    const n = rows * classes;
    const y = ctx.heap.view(out.handle, 'float32', n) as Float32Array;
    softmaxRows(ctx.heap.view(x.handle, 'float32', n), y, rows, classes, new Float64Array(classes));
    return out;
  };
}

/** LogSoftmax: the reference's row loop over heap views, so the same bits as the ref backend. */
export function makeLogSoftmax(ctx: WasmContext): KernelFn<'LogSoftmax'> {
  return ({ x }) => {
    const [rows, classes] = checkSoftmax(x, 'LogSoftmax');
    // The output first: allocating may grow the heap, which would detach views taken before it.
    const out = ctx.heap.output([...x.shape], 'float32');
    const n = rows * classes;
    logSoftmaxRows(ctx.heap.view(x.handle, 'float32', n), ctx.heap.view(out.handle, 'float32', n) as Float32Array, rows, classes);
    return out;
  };
}
