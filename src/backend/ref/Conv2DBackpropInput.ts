/**
 * Reference Conv2DBackpropInput: dx of Conv2D for upstream dy (NHWC), x's shape given by
 * `inputShape`. Per group and chunk of output rows: dcols = dy_g · W_gᵀ (a GEMM with transB),
 * then col2im scatter-adds every patch row back onto the input pixels it was read from — the exact
 * adjoint of the forward im2col, so strides, dilations, padding and groups need no special cases.
 * A 1x1 stride-1 unpadded conv writes dy · Wᵀ straight into dx.
 */
import type { KernelFn } from '../kernels.js';
import { checkedResidual } from './Conv2D.js';
import { gemm } from './gemm.js';
import type { MatrixView } from './gemm.js';
import { checkDy, col2im, colsBuffer, convGeometry, forEachRowChunk } from './im2col.js';
import type { ConvGeometry } from './im2col.js';
import { f32Of, output } from './storage.js';

export const conv2DBackpropInput: KernelFn<'Conv2DBackpropInput'> = ({ dy, filter, accumulate }, attrs) => {
  const geo = convGeometry('Conv2DBackpropInput', attrs.inputShape, filter.shape, attrs);
  checkDy('Conv2DBackpropInput', geo, dy.shape);
  const dx = new Float32Array(geo.batch * geo.inH * geo.inW * geo.inC);
  const dyd = f32Of(dy);
  const wd = f32Of(filter);
  for (let g = 0; g < geo.groups; g++) convInputGradGroup(dyd, wd, dx, geo, g);
  if (accumulate !== undefined) {
    // dx + accumulate rounded once per element, as a Binary add of the two gradients rounds it.
    const acc = f32Of(checkedResidual(accumulate, attrs.inputShape, 'Conv2DBackpropInput', 'accumulate'));
    for (let i = 0; i < dx.length; i++) dx[i] += acc[i]!;
  }
  return output([...attrs.inputShape], 'float32', dx);
};

/** Array-level body, shared with the wasm backend's interim path for grouped convs. */
export function convInputGradGroup(dy: Float32Array, w: Float32Array, dx: Float32Array, geo: ConvGeometry, g: number): void {
  const { inC, outC, cg, og, patch } = geo;
  // op(B) = W_gᵀ: W_g is stored [patch, Og] with row stride outC.
  const b: MatrixView = { data: w, offset: g * og, ld: outC };
  if (geo.pointwise) {
    const a: MatrixView = { data: dy, offset: g * og, ld: outC };
    const c: MatrixView = { data: dx, offset: g * cg, ld: inC };
    gemm({ transA: false, transB: true, m: geo.rows, n: patch, k: og, alpha: 1, a, b, beta: 0, c });
    return;
  }
  forEachRowChunk(geo, (rowStart, rowCount) => {
    const cols = colsBuffer(rowCount * patch);
    const a: MatrixView = { data: dy, offset: rowStart * outC + g * og, ld: outC };
    const c: MatrixView = { data: cols, offset: 0, ld: patch };
    gemm({ transA: false, transB: true, m: rowCount, n: patch, k: og, alpha: 1, a, b, beta: 0, c });
    col2im(cols, geo, g, rowStart, rowCount, dx);
  });
}
